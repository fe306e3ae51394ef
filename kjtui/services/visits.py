"""Visits: the routine visit, the visit form, edits before the customer acknowledged, deletions
of a mistake, and corrections (a new visit superseding an acknowledged one, both kept). Plain
values in, `VisitLine` out; every write goes through kjtui.models.journal.

The times of a visit (docs/ARCHITECTURE.md, section 8): the arrival is the time typed, else
the moment the manager selected the stop by hand at the shop (`arrival`), else the moment the
visit was started; the departure is the time typed, else the customer's acknowledgement, else the
moment the acknowledgement was put off (`departure`, `close_visit`). Neither is ever after now.

What the manager must confirm (a confirmable `Refused`, asked as a question, saved once its key
is among `confirmed`): a second visit of a customer the same day, a customer picked off the route
who is on the day's route, a customer of a township the manager does not serve, an order far
above the customer's usual (`far_above_usual`), a deletion. What stays worth a second look is
flagged on the visit line (`VisitLine.flags`), computed from the records, so that the supervisor,
who reads the same lines, sees the same flags."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from statistics import median_low

from peewee import JOIN

from kjtui.exception import Refused
from kjtui.models import (
    Acknowledgement,
    Customer,
    Manager,
    Post,
    Route,
    Township,
    Visit,
    database,
    journal,
)
from kjtui.models.journal import owner_for
from kjtui.services import day as day_service
from kjtui.services import pin_state
from kjtui.services.session import now

CHECKS = ("price_tags", "agreement_sales", "retail_format_ok", "brand_cultivation")

# A visit note is one line the customer reads before signing: it must fit the acknowledgement.
MAX_NOTE = 120  # characters

# An order far above the customer's usual needs the manager's confirmation: more than
# BIG_ORDER_FACTOR times the usual AND more than BIG_ORDER_FLOOR cartons. The usual is the median
# of the customer's last USUAL_ORDERS orders before the visit's day; a customer who never ordered
# has no usual, and any order above BIG_ORDER_FLOOR is asked.
BIG_ORDER_FACTOR = 3
BIG_ORDER_FLOOR = 30  # cartons
USUAL_ORDERS = 6

# The questions a visit may be asked (each a catalog key): what `confirmed` may hold.
VISIT_QUESTIONS = ("visit.again_today", "visit.on_todays_route", "visit.other_township",
                   "visit.big_order", "visit.big_first_order")

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
    flags = _flags([v for v in visits if v.id not in newer])
    return [_line(v, acks.get(v.id), newer.get(v.id), pins[v.customer_id], flags.get(v.id, ()))
            for v in visits]


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


def departure(departed_at: datetime | None, acknowledged_at: datetime | None) -> datetime | None:
    """When the manager left: the time typed (or set when the acknowledgement was put off), else
    the customer's acknowledgement, the last act of a visit; None while the visit goes on."""
    return departed_at or acknowledged_at


def served_townships(manager_id: str) -> set[str]:
    """The townships a manager works in: those of the manager's routes, and the post's."""
    out = {
        r.township_id for r in Route.select(Route.township).where(
            (Route.manager == manager_id) & (Route.deleted == False)
            & Route.township.is_null(False))
    }
    post = (Post.select(Post.township).join(Manager, on=(Manager.post == Post.id))
            .where(Manager.id == manager_id).first())
    if post is not None and post.township_id:
        out.add(post.township_id)
    return out


def usual_orders(customer_ids: list[str], before: date) -> dict[str, int]:
    """Each customer's usual order before `before`: the median of its last USUAL_ORDERS orders.
    A customer who never ordered is not in the result."""
    last: dict[str, list[int]] = {}
    if not customer_ids:
        return {}
    rows = (
        day_service.live_visits()
        .select(Visit.customer, Visit.quantity)
        .where(Visit.customer.in_(list(set(customer_ids))) & (Visit.ordered == True)
               & (Visit.arrived_at < datetime.combine(before, time.min)))
        .order_by(Visit.arrived_at.desc())
    )
    for v in rows:
        orders = last.setdefault(v.customer_id, [])
        if len(orders) < USUAL_ORDERS:
            orders.append(v.quantity)
    return {cid: median_low(q) for cid, q in last.items()}


def far_above_usual(quantity: int, usual: int | None) -> bool:
    """An order the manager must confirm (and that is flagged): see BIG_ORDER_FACTOR."""
    return quantity > BIG_ORDER_FLOOR and (usual is None or quantity > BIG_ORDER_FACTOR * usual)


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
    if "note" in out:
        out["note"] = (out["note"] or "").strip()
        if len(out["note"]) > MAX_NOTE:
            raise Refused("visit.note_too_long", n=len(out["note"]), max=MAX_NOTE)
    return out


def _check_times(arrived: datetime, departed: datetime | None) -> None:
    at = now()  # to the second: so is a time compared with it
    for which, value in (("visit.future_arrival", arrived), ("visit.future_departure", departed)):
        if value is not None and value.replace(microsecond=0) > at:
            raise Refused(which, time=value.strftime("%H:%M"), now=at.strftime("%H:%M"))
    if departed is not None and departed < arrived:
        raise Refused("visit.departed_before", arrived=arrived.strftime("%H:%M"),
                      departed=departed.strftime("%H:%M"))


def arrival(manager_id: str, day: date, selected_at: datetime | None) -> datetime:
    """When the manager reached the stop, as the notebook can know it when no time is typed: the
    moment the manager selected the stop by hand (`selected_at`: moved the cursor onto it), if
    that was on `day`, not in the future and not before the previous visit of the day ended;
    else now, the moment the visit is started."""
    at = now()
    if selected_at is None or selected_at.date() != day or selected_at.replace(microsecond=0) > at:
        return at
    ended = last_departure(manager_id, day)
    return selected_at if ended is None or selected_at >= ended else at


def last_departure(manager_id: str, day: date) -> datetime | None:
    """When the manager's latest visit of `day` ended (or began, while it goes on)."""
    log = day_service.day_log(manager_id, day)
    if log is None:
        return None
    rows = (day_service.live_visits()
            .select(Visit.arrived_at, Visit.departed_at, Acknowledgement.at)
            .join(Acknowledgement, JOIN.LEFT_OUTER, on=(Acknowledgement.visit == Visit.id))
            .where(Visit.day == log.id).objects())
    return max((departure(v.departed_at, v.at) or v.arrived_at for v in rows), default=None)


def _visited_at(manager_id: str, day: date, customer_id: str) -> datetime | None:
    """The arrival of the manager's visit of this customer on `day` that counts, if any."""
    log = day_service.day_log(manager_id, day)
    if log is None:
        return None
    return (day_service.live_visits().select(Visit.arrived_at)
            .where((Visit.day == log.id) & (Visit.customer == customer_id))
            .order_by(Visit.arrived_at).scalar())


def _check_customer(manager_id: str, day: date, c: Customer, stop, off_route: bool,
                    confirmed) -> None:
    """The questions about whom the manager visits (see the module's docstring)."""
    earlier = _visited_at(manager_id, day, c.id)
    if earlier is not None:
        Refused.unless_confirmed("visit.again_today", confirmed, shop=c.shop_name,
                                 at=earlier.strftime("%H:%M"))
    elif off_route and stop is not None:
        Refused.unless_confirmed("visit.on_todays_route", confirmed, shop=c.shop_name,
                                 position=stop.position + 1)
    if stop is None and c.township_id not in served_townships(manager_id):
        town = Township.get_or_none(Township.id == c.township_id)
        Refused.unless_confirmed("visit.other_township", confirmed, shop=c.shop_name,
                                 township=town.name if town else "")


def _check_order(c: Customer, day: date, quantity: int, confirmed) -> None:
    if quantity <= BIG_ORDER_FLOOR:
        return  # never far above the usual: no need to read it
    usual = usual_orders([c.id], day).get(c.id)
    if not far_above_usual(quantity, usual):
        return
    rule = {"factor": BIG_ORDER_FACTOR, "floor": BIG_ORDER_FLOOR}
    if usual is None:
        Refused.unless_confirmed("visit.big_first_order", confirmed, shop=c.shop_name,
                                 qty=quantity, **rule)
    else:
        Refused.unless_confirmed("visit.big_order", confirmed, shop=c.shop_name, qty=quantity,
                                 usual=usual, **rule)


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
    f = _visit_fields(day, dict(
        ordered=ordered, quantity=quantity, price_tags=price_tags, agreement_sales=agreement_sales,
        retail_format_ok=retail_format_ok, brand_cultivation=brand_cultivation,
        satisfaction=satisfaction, note=note, arrived_at=arrived_at,
        departed_at=departed_at,
    ))
    f.setdefault("arrived_at", arrival(manager_id, day, selected_at))
    _check_times(f["arrived_at"], f["departed_at"])
    route = day_service.route_for_day(manager_id, day)
    stop = next((s for s in route.stops if s.customer_id == customer_id), None)
    _check_customer(manager_id, day, c, stop, off_route, confirmed)
    if f["ordered"]:
        _check_order(c, day, f["quantity"], confirmed)
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


def _order_changed(old: Visit, f: dict, confirmed) -> None:
    """An order changed far above the customer's usual is asked again, an unchanged one not."""
    ordered = f.get("ordered", old.ordered)
    quantity = f.get("quantity", old.quantity)
    if ordered and (quantity, ordered) != (old.quantity, old.ordered):
        _check_order(old.customer, old.day.day, quantity, confirmed)


def edit_visit(visit_id: str, *, confirmed: frozenset[str] | tuple[str, ...] = (),
               **fields) -> VisitLine:
    """Change a visit not yet acknowledged. An acknowledged one is refused: correct it. A
    departure left blank is the acknowledgement's, as in `record_visit`."""
    v = visit_row(visit_id)
    f = _visit_fields(v.day.day, fields)
    _check_times(f.get("arrived_at", v.arrived_at), f.get("departed_at", v.departed_at))
    _order_changed(v, f, confirmed)
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
    f = _visit_fields(old.day.day, fields)
    base.update(f)
    _check_times(base["arrived_at"], base["departed_at"])
    _order_changed(old, f, confirmed)
    with database.atomic():
        new = journal.create(Visit, owner=old.owner, day=old.day_id, manager=old.manager_id,
                             customer=old.customer_id, supersedes=old.id, **base)
        day_service.checkins_still_reported(old.day)
    return get_visit(new.id)
