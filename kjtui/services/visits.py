"""Visits: the routine visit, the visit form, edits before the customer acknowledged, deletions
of a mistake, and corrections (a new visit superseding an acknowledged one, both kept). Plain
values in, `VisitLine` out; every write goes through kjtui.models.journal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from kjtui.exception import Refused
from kjtui.models import Acknowledgement, Customer, Visit, database, journal
from kjtui.models.journal import owner_for
from kjtui.services import day as day_service
from kjtui.services import pin_state
from kjtui.services.session import now

CHECKS = ("price_tags", "agreement_sales", "retail_format_ok", "brand_cultivation")


@dataclass(frozen=True)
class VisitLine:
    id: str
    customer_id: str
    licence_no: str
    shop_name: str
    on_route: bool
    arrived_at: datetime
    departed_at: datetime | None
    ordered: bool
    quantity: int
    price_tags: bool | None
    agreement_sales: bool | None
    retail_format_ok: bool | None
    brand_cultivation: bool | None
    satisfaction: int | None
    note: str
    supersedes_id: str | None
    superseded_by_id: str | None  # a correction replaced this visit: shown struck through
    ack_method: str | None  # pin / paper / declined; None: not yet acknowledged
    ack_page: str
    ack_reason: str
    pin_state: str  # the customer's PIN on this laptop (kjtui.services.pin_state)

    @property
    def signed(self) -> bool:
        return self.ack_method is not None

    @property
    def customer_has_pin(self) -> bool:
        return self.pin_state not in pin_state.CHOOSES_NEW


def visit_lines(log_id: str) -> list[VisitLine]:
    """Every visit of the day, corrected ones included (they stay visible), in arrival order."""
    visits = list(
        Visit.select(Visit, Customer)
        .join(Customer)
        .where((Visit.day == log_id) & (Visit.deleted == False))
        .order_by(Visit.arrived_at, Visit.id)
    )
    ids = [v.id for v in visits]
    acks = {a.visit_id: a for a in Acknowledgement.select().where(Acknowledgement.visit.in_(ids))}
    newer = {
        v.supersedes_id: v.id
        for v in Visit.select(Visit.id, Visit.supersedes).where(
            Visit.supersedes.in_(ids) & (Visit.deleted == False)
        )
    }
    pins = pin_state.states(v.customer_id for v in visits)
    return [_line(v, acks.get(v.id), newer.get(v.id), pins[v.customer_id]) for v in visits]


def _line(v: Visit, ack, superseded_by, pin: str) -> VisitLine:
    c = v.customer
    return VisitLine(
        v.id, c.id, c.licence_no, c.shop_name, v.on_route, v.arrived_at, v.departed_at, v.ordered,
        v.quantity, v.price_tags, v.agreement_sales, v.retail_format_ok, v.brand_cultivation,
        v.satisfaction, v.note, v.supersedes_id, superseded_by,
        ack.method if ack else None, ack.handbook_page if ack else "", ack.reason if ack else "",
        pin,
    )


def get_visit(visit_id: str) -> VisitLine:
    v = Visit.get_or_none(Visit.id == visit_id)
    if v is None or v.deleted:
        raise Refused("visit.missing")
    return next(line for line in visit_lines(v.day_id) if line.id == visit_id)


def last_quantities(customer_ids: list[str]) -> dict[str, int]:
    """Each customer's last ordered quantity: the default when the manager marks an order."""
    out: dict[str, int] = {}
    rows = (
        day_service.live_visits()
        .select(Visit.customer, Visit.quantity)
        .where(Visit.customer.in_(customer_ids) & (Visit.ordered == True))
        .order_by(Visit.arrived_at)
    )
    for v in rows:
        out[v.customer_id] = v.quantity  # later visits overwrite earlier ones
    return out


def _visit_fields(day: date, fields: dict) -> dict:
    """Check and normalise the fields of a visit form; refuse with one sentence."""
    out = dict(fields)
    for name in ("arrived_at", "departed_at"):
        value = out.get(name)
        if isinstance(value, time):
            out[name] = datetime.combine(day, value)
    if out.get("arrived_at") is None:
        out.pop("arrived_at", None)
    if "quantity" in out:
        try:
            out["quantity"] = int(out["quantity"] or 0)
        except (TypeError, ValueError):
            raise Refused("visit.bad_quantity", value=out["quantity"]) from None
        if not 0 <= out["quantity"] <= 100_000:
            raise Refused("visit.bad_quantity", value=out["quantity"])
    if "ordered" in out and not out["ordered"]:
        out["quantity"] = 0
    sat = out.get("satisfaction")
    if sat not in (None, ""):
        try:
            out["satisfaction"] = int(sat)
        except (TypeError, ValueError):
            out["satisfaction"] = 0
        if not 1 <= out["satisfaction"] <= 5:
            raise Refused("visit.bad_satisfaction", value=sat)
    elif "satisfaction" in out:
        out["satisfaction"] = None
    return out


def _check_times(arrived: datetime, departed: datetime | None) -> None:
    if departed is not None and departed < arrived:
        raise Refused("visit.departed_before", arrived=arrived.strftime("%H:%M"),
                      departed=departed.strftime("%H:%M"))


def record_visit(
    manager_id: str,
    day: date,
    customer_id: str,
    *,
    ordered: bool = False,
    quantity: int = 0,
    price_tags: bool | None = True,
    agreement_sales: bool | None = True,
    retail_format_ok: bool | None = True,
    brand_cultivation: bool | None = True,
    satisfaction: int | None = 5,
    note: str = "",
    arrived_at: datetime | time | None = None,
    departed_at: datetime | time | None = None,
) -> VisitLine:
    """A visit, committed when this returns. Defaults are the routine visit: no order, the four
    basic-work checks in order, satisfied; arrival and departure now."""
    m = day_service.manager(manager_id)
    c = Customer.get_or_none(Customer.id == customer_id)
    if c is None or c.deleted:
        raise Refused("visit.no_customer")
    at = now()
    f = _visit_fields(day, dict(
        ordered=ordered, quantity=quantity, price_tags=price_tags, agreement_sales=agreement_sales,
        retail_format_ok=retail_format_ok, brand_cultivation=brand_cultivation,
        satisfaction=satisfaction, note=note.strip(), arrived_at=arrived_at,
        departed_at=departed_at,
    ))
    f.setdefault("arrived_at", at)
    if f["departed_at"] is None and f["arrived_at"] <= at:
        f["departed_at"] = max(at, f["arrived_at"])
    _check_times(f["arrived_at"], f["departed_at"])
    route = day_service.route_for_day(manager_id, day)
    on_route = any(s.customer_id == customer_id for s in route.stops)
    with database.atomic():
        log = day_service.ensure_day_log(m, day)
        v = journal.create(Visit, owner=owner_for(m.code), day=log, manager=m, customer=c,
                           on_route=on_route, **f)
    return get_visit(v.id)


def visit_row(visit_id: str) -> Visit:
    v = Visit.get_or_none(Visit.id == visit_id)
    if v is None or v.deleted:
        raise Refused("visit.missing")
    return v


def corrected(visit_id: str) -> bool:
    return Visit.select().where(
        (Visit.supersedes == visit_id) & (Visit.deleted == False)
    ).exists()


def _signed_refusal(v: Visit) -> Refused:
    return Refused("visit.signed", shop=v.customer.shop_name)


def edit_visit(visit_id: str, **fields) -> VisitLine:
    """Change a visit not yet acknowledged. An acknowledged one is refused: correct it."""
    v = visit_row(visit_id)
    f = _visit_fields(v.day.day, fields)
    _check_times(f.get("arrived_at", v.arrived_at), f.get("departed_at", v.departed_at))
    try:
        journal.update(v, **f)
    except Refused as exc:
        if exc.key == "write.signed":
            raise _signed_refusal(v) from None
        raise Refused(exc.key, **exc.params) from None
    return get_visit(visit_id)


def delete_visit(visit_id: str) -> None:
    """A visit typed by mistake, before the customer acknowledged it (a tombstone, synced)."""
    v = visit_row(visit_id)
    if journal.is_signed(v):
        raise _signed_refusal(v)
    journal.delete(v)


def correct_visit(visit_id: str, **fields) -> VisitLine:
    """更正: a new visit that supersedes `visit_id`; the old one stays, marked corrected. The
    correction needs its own acknowledgement."""
    old = visit_row(visit_id)
    if corrected(old.id):
        raise Refused("visit.already_corrected")
    base = {
        name: getattr(old, name)
        for name in ("on_route", "arrived_at", "departed_at", "ordered", "quantity", *CHECKS,
                     "satisfaction", "note")
    }
    base.update(_visit_fields(old.day.day, fields))
    _check_times(base["arrived_at"], base["departed_at"])
    new = journal.create(Visit, owner=old.owner, day=old.day_id, manager=old.manager_id,
                         customer=old.customer_id, supersedes=old.id, **base)
    return get_visit(new.id)
