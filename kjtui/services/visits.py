"""Visits: the routine visit, the visit form, edits before the customer acknowledged, deletions
of a mistake, and corrections (a new visit superseding an acknowledged one, both kept). Plain
values in, `VisitLine` out; every write goes through kjtui.models.journal.

A visit's times are kjtui.services.visit_times; what it is checked for and asked before it is
written (a confirmable `Refused`, asked as a question, saved once its key is among `confirmed`)
is kjtui.services.visit_checks, and so is a deletion's question here. What stays worth a second
look is flagged on the visit line (`VisitLine.flags`), computed from the records by the same
rules, so that the supervisor, who reads the same lines, sees the same flags."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from kjtui.exception import Refused
from kjtui.models import Acknowledgement, Customer, Visit, database, journal
from kjtui.models.journal import owner_for
from kjtui.services import day as day_service
from kjtui.services import pin_state
from kjtui.services.session import now
from kjtui.services.visit_checks import (
    BIG_ORDER_FLOOR,
    check_customer,
    check_order,
    far_above_usual,
    order_changed,
    served_townships,
    usual_orders,
    visit_fields,
)
from kjtui.services.visit_times import arrival, check_times, departure

CHECKS = ("price_tags", "agreement_sales", "retail_format_ok", "brand_cultivation")

# Flags on a visit line, for the manager and the supervisor (catalog: flag.visit.<code>).
FLAGS = ("repeat", "other_township", "big_order")


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
    flags: tuple[str, ...] = ()  # FLAGS that hold for this visit

    @property
    def signed(self) -> bool:
        return self.ack_method is not None

    @property
    def customer_has_pin(self) -> bool:
        return self.pin_state not in pin_state.CHOOSES_NEW


def visit_lines(log_id: str) -> list[VisitLine]:
    """Every visit of the day, corrected ones included (they stay visible), in arrival order."""
    return visit_lines_of([log_id])[log_id]


def visit_lines_of(log_ids: list[str]) -> dict[str, list[VisitLine]]:
    """`visit_lines` of several days (a week), read in a few queries for them all."""
    out: dict[str, list[VisitLine]] = {log_id: [] for log_id in log_ids}
    visits = list(
        Visit.select(Visit, Customer.id, Customer.licence_no, Customer.shop_name,
                     Customer.township)  # what a line shows and its flags read, no more
        .join(Customer)
        .where(Visit.day.in_(list(log_ids)) & (Visit.deleted == False))
        .order_by(Visit.arrived_at, Visit.id)
    )
    if not visits:
        return out
    ids = [v.id for v in visits]
    acks = {a.visit_id: a for a in Acknowledgement.select().where(Acknowledgement.visit.in_(ids))}
    newer = {
        v.supersedes_id: v.id
        for v in Visit.select(Visit.id, Visit.supersedes).where(
            Visit.supersedes.in_(ids) & (Visit.deleted == False)
        )
    }
    pins = pin_state.states(v.customer_id for v in visits)
    by_day: dict[str, list[Visit]] = {}
    for v in visits:
        by_day.setdefault(v.day_id, []).append(v)
    for log_id, day_visits in by_day.items():
        flags = _flags([v for v in day_visits if v.id not in newer])
        out[log_id] = [_line(v, acks.get(v.id), newer.get(v.id), pins[v.customer_id],
                             flags.get(v.id, ())) for v in day_visits]
    return out


def _flags(live: list[Visit]) -> dict[str, tuple[str, ...]]:
    """The FLAGS of each of a day's live visits (in arrival order, of one manager)."""
    if not live:
        return {}
    # Only what can matter is read: the townships for a visit off the route, the usual for an
    # order above the floor (no order at or under it is far above any usual).
    served = (served_townships(live[0].manager_id) if any(not v.on_route for v in live)
              else set())
    usual = usual_orders([v.customer_id for v in live if v.ordered
                          and v.quantity > BIG_ORDER_FLOOR], live[0].arrived_at.date())
    seen: set[str] = set()
    out = {}
    for v in live:
        flags = []
        if v.customer_id in seen:
            flags.append("repeat")
        seen.add(v.customer_id)
        if not v.on_route and v.customer.township_id not in served:
            flags.append("other_township")
        if v.ordered and far_above_usual(v.quantity, usual.get(v.customer_id)):
            flags.append("big_order")
        out[v.id] = tuple(flags)
    return out


def _line(v: Visit, ack, superseded_by, pin: str, flags=()) -> VisitLine:
    c = v.customer
    return VisitLine(
        v.id, c.id, c.licence_no, c.shop_name, v.on_route, v.arrived_at,
        departure(v.departed_at, ack.at if ack else None), v.ordered,
        v.quantity, v.price_tags, v.agreement_sales, v.retail_format_ok, v.brand_cultivation,
        v.satisfaction, v.note, v.supersedes_id, superseded_by,
        ack.method if ack else None, ack.handbook_page if ack else "", ack.reason if ack else "",
        pin, tuple(flags),
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
    selected_at: datetime | None = None,
    off_route: bool = False,
    confirmed: frozenset[str] | tuple[str, ...] = (),
) -> VisitLine:
    """A visit, committed when this returns. Defaults are the routine visit: no order, the four
    basic-work checks in order, satisfied; arrival as `arrival()` says, departure at the
    acknowledgement. `off_route`: the manager picked the customer off the route (`n`).
    Refused with a question until its key is in `confirmed`: see the module's docstring."""
    m = day_service.manager(manager_id)
    c = Customer.get_or_none(Customer.id == customer_id)
    if c is None or c.deleted:
        raise Refused("visit.no_customer")
    f = visit_fields(day, dict(
        ordered=ordered, quantity=quantity, price_tags=price_tags, agreement_sales=agreement_sales,
        retail_format_ok=retail_format_ok, brand_cultivation=brand_cultivation,
        satisfaction=satisfaction, note=note, arrived_at=arrived_at,
        departed_at=departed_at,
    ))
    f.setdefault("arrived_at", arrival(manager_id, day, selected_at))
    check_times(f["arrived_at"], f["departed_at"])
    route = day_service.route_for_day(manager_id, day)
    stop = next((s for s in route.stops if s.customer_id == customer_id), None)
    check_customer(manager_id, day, c, stop, off_route, confirmed)
    if f["ordered"]:
        check_order(c, day, f["quantity"], confirmed)
    with database.atomic():
        log = day_service.ensure_day_log(m, day)
        v = journal.create(Visit, owner=owner_for(m.code), day=log, manager=m, customer=c,
                           on_route=stop is not None, **f)
        day_service.checkins_still_reported(log)
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


def edit_visit(visit_id: str, *, confirmed: frozenset[str] | tuple[str, ...] = (),
               **fields) -> VisitLine:
    """Change a visit not yet acknowledged. An acknowledged one is refused: correct it. A
    departure left blank is the acknowledgement's, as in `record_visit`."""
    v = visit_row(visit_id)
    f = visit_fields(v.day.day, fields)
    check_times(f.get("arrived_at", v.arrived_at), f.get("departed_at", v.departed_at))
    order_changed(v, f, confirmed)
    try:
        with database.atomic():
            journal.update(v, **f)
            day_service.checkins_still_reported(v.day)
    except Refused as exc:
        if exc.key == "write.signed":
            raise _signed_refusal(v) from None
        raise Refused(exc.key, **exc.params) from None
    return get_visit(visit_id)


def delete_visit(visit_id: str, *, confirmed: frozenset[str] | tuple[str, ...] = ()) -> None:
    """A visit typed by mistake, before the customer acknowledged it (a tombstone, synced); asked
    first: a deletion is not undone."""
    v = visit_row(visit_id)
    if journal.is_signed(v):
        raise _signed_refusal(v)
    Refused.unless_confirmed("visit.delete", confirmed, shop=v.customer.shop_name,
                             at=v.arrived_at.strftime("%H:%M"))
    journal.delete(v)


def close_visit(visit_id: str) -> VisitLine:
    """The acknowledgement put off (稍后): the visit ends now, unless it already has a departure
    or is acknowledged."""
    v = visit_row(visit_id)
    if v.departed_at is None and not journal.is_signed(v):
        journal.update(v, departed_at=max(now(), v.arrived_at))
    return get_visit(visit_id)


def correct_visit(visit_id: str, *, confirmed: frozenset[str] | tuple[str, ...] = (),
                  **fields) -> VisitLine:
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
    f = visit_fields(old.day.day, fields)
    base.update(f)
    check_times(base["arrived_at"], base["departed_at"])
    order_changed(old, f, confirmed)
    with database.atomic():
        new = journal.create(Visit, owner=old.owner, day=old.day_id, manager=old.manager_id,
                             customer=old.customer_id, supersedes=old.id, **base)
        day_service.checkins_still_reported(old.day)
    return get_visit(new.id)
