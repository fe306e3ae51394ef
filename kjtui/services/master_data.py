"""The county's master data as the administrator's desk lists it (kjtui/screens/desk/
master_data.py): customers (the search of kjtui.services.search, with each one's manager and
route), managers, routes with their stops in order, monthly targets beside the actual sales; one
page at a time. What a form shows to edit a record is here too, as the cells of a sheet row: the
forms save through kjtui.services.master_forms, with the import's checks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from peewee import JOIN, fn

from kjtui.models import (
    Customer,
    Manager,
    Post,
    Route,
    RouteStop,
    SalesActual,
    SalesTarget,
    Township,
)
from kjtui.services import search

PAGE = search.PAGE


@dataclass(frozen=True)
class Page:
    offset: int
    rows: list
    total: int
    capped: bool = False  # there are more than `total` (a search counts up to a cap)

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.rows) < self.total or (self.capped and bool(self.rows))


# --- customers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CustomerLine:
    id: str
    licence_no: str
    shop_name: str
    owner_name: str
    township: str
    manager: str  # code, "" if none
    route: str  # code, "" if none
    active: bool


def customers(query: str, offset: int = 0) -> Page:
    """A page of the county's customers matching `query` (as the customers screen searches)."""
    found = search.search(query, offset)
    ids = [r.id for r in found.rows]
    held = {}
    if ids:
        q = (Customer.select(Customer.id, Manager.code, Route.code)
             .join(Manager, JOIN.LEFT_OUTER, on=Customer.manager == Manager.id)
             .switch(Customer).join(Route, JOIN.LEFT_OUTER, on=Customer.route == Route.id)
             .where(Customer.id.in_(ids)))
        held = {cid: (m or "", r or "") for cid, m, r in q.tuples()}
    rows = [CustomerLine(r.id, r.licence_no, r.shop_name, r.owner_name, r.township,
                         *held.get(r.id, ("", "")), r.active) for r in found.rows]
    return Page(found.offset, rows, found.total, found.capped)


def customer_cells(customer_id: str) -> dict[str, str]:
    """A customer as the cells of a customers sheet row."""
    c = Customer.get_by_id(customer_id)
    return {"licence_no": c.licence_no, "shop_name": c.shop_name, "owner_name": c.owner_name,
            "phone": c.phone, "address": c.address, "township": c.township.code,
            "area": c.area, "retail_format": c.retail_format, "grade": c.grade,
            "manager_code": c.manager.code if c.manager_id else "",
            "route_code": c.route.code if c.route_id else ""}


# --- managers -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ManagerLine:
    id: str
    code: str
    name: str
    gender: str
    born: date
    education: str
    employment: str
    post: str  # code, "" if none
    status: str


def managers(offset: int = 0) -> Page:
    q = (Manager.select(Manager, Post.code.alias("post_code"))
         .join(Post, JOIN.LEFT_OUTER, on=Manager.post == Post.id)
         .where(Manager.deleted == False).order_by(Manager.code))
    rows = [ManagerLine(m.id, m.code, m.name, m.gender, m.birth_date, m.education, m.employment,
                        m.post_code or "", m.status)
            for m in q.offset(offset).limit(PAGE).objects()]
    return Page(offset, rows, Manager.select().where(Manager.deleted == False).count())


def manager_cells(code: str) -> dict[str, str]:
    m = Manager.get((Manager.code == code) & (Manager.deleted == False))
    return {"manager_code": m.code, "manager_name": m.name, "gender": m.gender,
            "birth_date": m.birth_date.isoformat(), "education": m.education,
            "employment": m.employment, "post_code": m.post.code if m.post_id else "",
            "hired_on": m.hired_on.isoformat() if m.hired_on else "", "phone": m.phone,
            "model_worker": "1" if m.model_worker else "0"}


# --- routes and their stops ---------------------------------------------------------------------


@dataclass(frozen=True)
class RouteLine:
    id: str
    code: str
    name: str
    manager: str  # code, "" if none
    township: str  # name, "" if none
    stops: int


def routes(offset: int = 0) -> Page:
    base = Route.select().where(Route.deleted == False)
    stops = (RouteStop.select(RouteStop.route, fn.COUNT(RouteStop.id).alias("n"))
             .where(RouteStop.deleted == False).group_by(RouteStop.route))
    q = (base.select(Route.id, Route.code, Route.name, Manager.code, Township.name, stops.c.n)
         .join(Manager, JOIN.LEFT_OUTER, on=Route.manager == Manager.id)
         .switch(Route).join(Township, JOIN.LEFT_OUTER, on=Route.township == Township.id)
         .switch(Route).join(stops, JOIN.LEFT_OUTER, on=stops.c.route_id == Route.id)
         .order_by(Route.code).offset(offset).limit(PAGE))
    rows = [RouteLine(rid, code, name, m or "", t or "", n or 0)
            for rid, code, name, m, t, n in q.tuples()]
    return Page(offset, rows, base.count())


def route_cells(route_id: str) -> dict[str, str]:
    r = Route.get_by_id(route_id)
    return {"route_code": r.code, "route_name": r.name,
            "manager_code": r.manager.code if r.manager_id else "",
            "township": r.township.code if r.township_id else ""}


@dataclass(frozen=True)
class StopLine:
    customer_id: str
    licence_no: str
    shop_name: str
    owner_name: str


def stops(route_id: str) -> list[StopLine]:
    """The route's stops in order (a route holds tens of stops: no page)."""
    q = (RouteStop.select(Customer.id, Customer.licence_no, Customer.shop_name,
                          Customer.owner_name)
         .join(Customer).where((RouteStop.route == route_id) & (RouteStop.deleted == False))
         .order_by(RouteStop.position))
    return [StopLine(*row) for row in q.tuples()]


# --- monthly targets and actual sales -----------------------------------------------------------


@dataclass(frozen=True)
class TargetLine:
    month: date
    manager: str  # code
    name: str
    target: int | None
    actual: int | None


def targets(offset: int = 0) -> Page:
    """Every manager's month with a target or an actual, the newest month first."""
    def keys(model):
        return model.select(model.month, model.manager).where(model.deleted == False)

    both = (keys(SalesTarget) | keys(SalesActual)).alias("k")  # UNION: each pair once
    q = (Manager.select(both.c.month, Manager.code, Manager.name, Manager.id)
         .join(both, on=both.c.manager_id == Manager.id)
         .order_by(both.c.month.desc(), Manager.code))
    total = q.count()
    page = list(q.offset(offset).limit(PAGE).tuples())
    ids = list({mid for *_, mid in page})

    def values(model) -> dict:
        rows = model.select(model.manager, model.month, model.quantity).where(
            model.manager.in_(ids) & (model.deleted == False)).tuples() if ids else []
        return {(m, _day(month)): n for m, month, n in rows}

    target, actual = values(SalesTarget), values(SalesActual)
    rows = [TargetLine(_day(month), code, name, target.get((mid, _day(month))),
                       actual.get((mid, _day(month)))) for month, code, name, mid in page]
    return Page(offset, rows, total)


def _day(value) -> date:
    """A month as the UNION gives it back (SQLite: text)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
