"""The day's notebook (DESIGN.md section 2): odometer, visits, the customer's acknowledgement,
corrections and the phoned-in check-ins. Plain values in, plain dataclasses out; every write goes
through kjtui.models.journal, and a refusal is a `Refused` carrying a catalog key — nothing is changed.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time

import peewee as pw

from kjtui.exception import Refused
from kjtui.models import (
    Acknowledgement,
    Customer,
    CustomerPin,
    DayLog,
    Manager,
    MonthlyPlan,
    PlanDay,
    Route,
    Setting,
    Visit,
    database,
    journal,
)
from kjtui.models.journal import owner_for
from kjtui.services import day as day_service
from kjtui.services import settings
from kjtui.services.session import now

# A motorbike on rural roads does not do more than this in a working day, and between two days it
# is parked at the post: beyond these the reading is refused unless the manager confirms it.
MAX_DAY_KM = 300
MAX_GAP_KM = 100
PIN_RE = re.compile(r"^\d{4,6}$")
MAX_PIN_TRIES = 5  # wrong PINs in a row for one visit before only the paper handbook is left
_TRIES = "pin:"  # settings key prefix: wrong PIN tries of a visit
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
    customer_has_pin: bool

    @property
    def signed(self) -> bool:
        return self.ack_method is not None


@dataclass(frozen=True)
class DayView:
    day: date
    manager_id: str
    route: day_service.DayRoute
    planned_route_name: str | None  # what the month's plan says for the day
    plan_note: str
    odometer_start: int | None
    odometer_end: int | None
    last_reading: int | None  # the highest reading before this day
    figures: day_service.DayFigures
    visits: list[VisitLine]
    flags: list[tuple[str, dict]] = field(default_factory=list)  # (catalog key, params)
    last_quantities: dict[str, int] = field(default_factory=dict)  # route customer → last order

    @property
    def next_stop(self) -> int | None:
        """Index of the first stop of the route not yet visited: where the cursor waits."""
        for i, stop in enumerate(self.route.stops):
            if not stop.visited:
                return i
        return None


# --- reading ----------------------------------------------------------------------------------


def _log(manager_id: str, day: date) -> DayLog | None:
    return DayLog.get_or_none(
        (DayLog.manager == manager_id) & (DayLog.day == day) & (DayLog.deleted == False)  # noqa: E712
    )


def last_reading(manager_id: str, day: date) -> int | None:
    """The odometer as it stood before `day`: the highest reading of any earlier day."""
    rows = DayLog.select(DayLog.odometer_start, DayLog.odometer_end).where(
        (DayLog.manager == manager_id) & (DayLog.day < day) & (DayLog.deleted == False)  # noqa: E712
    )
    readings = [r for row in rows for r in (row.odometer_start, row.odometer_end) if r is not None]
    return max(readings) if readings else None


def day_flags(manager_id: str, day: date) -> list[tuple[str, dict]]:
    """What a supervisor should look at twice (a confirmed but implausible odometer)."""
    log = _log(manager_id, day)
    flags: list[tuple[str, dict]] = []
    if log is None:
        return flags
    last = last_reading(manager_id, day)
    start = log.odometer_start
    if start is not None and last is not None and start - last > MAX_GAP_KM:
        flags.append(("flag.odo_gap", {"km": start - last}))
    if log.odometer_start is not None and log.odometer_end is not None:
        km = log.odometer_end - log.odometer_start
        if km > MAX_DAY_KM:
            flags.append(("flag.odo_day", {"km": km}))
    return flags


def _planned(manager_id: str, day: date) -> tuple[str | None, str]:
    row = (
        PlanDay.select(PlanDay.note, Route.name)
        .join(MonthlyPlan)
        .switch(PlanDay)
        .join(Route, pw.JOIN.LEFT_OUTER, on=(PlanDay.route == Route.id))
        .where(
            (MonthlyPlan.manager == manager_id)
            & (MonthlyPlan.month == day.replace(day=1))
            & (PlanDay.day == day)
            & (PlanDay.deleted == False)  # noqa: E712
        )
        .dicts()
        .first()
    )
    return (row["name"], row["note"]) if row else (None, "")


def visit_lines(log_id: str) -> list[VisitLine]:
    """Every visit of the day, corrected ones included (they stay visible), in arrival order."""
    visits = list(
        Visit.select(Visit, Customer)
        .join(Customer)
        .where((Visit.day == log_id) & (Visit.deleted == False))  # noqa: E712
        .order_by(Visit.arrived_at, Visit.id)
    )
    ids = [v.id for v in visits]
    acks = {a.visit_id: a for a in Acknowledgement.select().where(Acknowledgement.visit.in_(ids))}
    newer = {
        v.supersedes_id: v.id
        for v in Visit.select(Visit.id, Visit.supersedes).where(
            Visit.supersedes.in_(ids) & (Visit.deleted == False)  # noqa: E712
        )
    }
    pins = {
        p.customer_id
        for p in CustomerPin.select(CustomerPin.customer).where(
            CustomerPin.customer.in_([v.customer_id for v in visits])
            & (CustomerPin.deleted == False)  # noqa: E712
        )
    }
    return [_line(v, acks.get(v.id), newer.get(v.id), v.customer_id in pins) for v in visits]


def _line(v: Visit, ack, superseded_by, has_pin) -> VisitLine:
    c = v.customer
    return VisitLine(
        v.id, c.id, c.licence_no, c.shop_name, v.on_route, v.arrived_at, v.departed_at, v.ordered,
        v.quantity, v.price_tags, v.agreement_sales, v.retail_format_ok, v.brand_cultivation,
        v.satisfaction, v.note, v.supersedes_id, superseded_by,
        ack.method if ack else None, ack.handbook_page if ack else "", ack.reason if ack else "",
        has_pin,
    )


def get_visit(visit_id: str) -> VisitLine:
    v = Visit.get_or_none(Visit.id == visit_id)
    if v is None or v.deleted:
        raise Refused("visit.missing")
    return next(line for line in visit_lines(v.day_id) if line.id == visit_id)


def day_view(manager_id: str, day: date) -> DayView:
    log = _log(manager_id, day)
    planned_name, plan_note = _planned(manager_id, day)
    route = day_service.route_for_day(manager_id, day)
    return DayView(
        day=day,
        manager_id=manager_id,
        route=route,
        planned_route_name=planned_name,
        plan_note=plan_note,
        odometer_start=log.odometer_start if log else None,
        odometer_end=log.odometer_end if log else None,
        last_reading=last_reading(manager_id, day),
        figures=day_service.day_figures(manager_id, day),
        visits=visit_lines(log.id) if log else [],
        flags=day_flags(manager_id, day),
        last_quantities=last_quantities([s.customer_id for s in route.stops]),
    )


def last_quantities(customer_ids: list[str]) -> dict[str, int]:
    """Each customer's last ordered quantity: the default when the manager marks an order."""
    out: dict[str, int] = {}
    rows = (
        day_service.live_visits()
        .select(Visit.customer, Visit.quantity)
        .where(Visit.customer.in_(customer_ids) & (Visit.ordered == True))  # noqa: E712
        .order_by(Visit.arrived_at)
    )
    for v in rows:
        out[v.customer_id] = v.quantity  # later visits overwrite earlier ones
    return out


def find_customers(text: str, limit: int = 20) -> list:
    """Active customers for a visit off the route: the Customers screen's search (licence
    prefix, names, phone, township; one or two characters too), as CustomerRow."""
    from kjtui.services import customers

    if not text.strip():
        return []
    return [r for r in customers.search(text, limit=limit).rows if r.active]


# --- writing ----------------------------------------------------------------------------------


def _ensure_log(manager: Manager, day: date) -> DayLog:
    log = _log(manager.id, day)
    if log is None:
        planned = day_service.route_for_day(manager.id, day)
        log = journal.create(DayLog, owner=owner_for(manager.code), manager=manager, day=day,
                             route=planned.route_id)
    return log


def _manager(manager_id: str) -> Manager:
    m = Manager.get_or_none(Manager.id == manager_id)
    if m is None:
        raise Refused("notebook.no_manager")
    return m


def ride_route(manager_id: str, day: date, route_id: str) -> DayView:
    """The route actually ridden on `day` (the day log's route), one of the manager's own; the
    month's plan stays as it was, so plan against actual shows the day as ridden differently."""
    from kjtui.services.plan import routes_of

    m = _manager(manager_id)
    if route_id not in {r.id for r in routes_of(manager_id)}:
        raise Refused("plan.not_your_route")
    with database.atomic():
        log = _ensure_log(m, day)
        if log.route_id != route_id:
            journal.update(log, route=route_id)
    return day_view(manager_id, day)


def _reading(value) -> int:
    try:
        km = int(str(value).strip())
    except ValueError:
        raise Refused("odo.not_a_number", value=value) from None
    if km < 0 or km > 9_999_999:
        raise Refused("odo.not_a_number", value=value)
    return km


def start_day(manager_id: str, day: date, odometer_start, *, confirm: bool = False) -> DayView:
    """出车: the odometer when the day starts. Below the last reading is refused; far above it
    is refused unless confirmed (then flagged)."""
    km = _reading(odometer_start)
    m = _manager(manager_id)
    last = last_reading(manager_id, day)
    if last is not None and km < last:
        raise Refused("odo.below_last", km=km, last=last)
    log = _log(manager_id, day)
    if log is not None and log.odometer_end is not None and km > log.odometer_end:
        raise Refused("odo.start_above_end", km=km, end=log.odometer_end)
    if last is not None and km - last > MAX_GAP_KM and not confirm:
        raise Refused("odo.gap", confirmable=True, km=km, last=last, gap=km - last)
    with database.atomic():
        log = _ensure_log(m, day)
        journal.update(log, odometer_start=km)
    return day_view(manager_id, day)


def end_day(manager_id: str, day: date, odometer_end, *, confirm: bool = False) -> DayView:
    """收车: the odometer when the day ends; the mileage is end − start."""
    km = _reading(odometer_end)
    log = _log(manager_id, day)
    if log is None or log.odometer_start is None:
        raise Refused("odo.no_start")
    if km < log.odometer_start:
        raise Refused("odo.end_below_start", km=km, start=log.odometer_start)
    if km - log.odometer_start > MAX_DAY_KM and not confirm:
        raise Refused("odo.day_jump", confirmable=True, km=km, mileage=km - log.odometer_start)
    journal.update(log, odometer_end=km)
    return day_view(manager_id, day)


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
    m = _manager(manager_id)
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
        log = _ensure_log(m, day)
        v = journal.create(Visit, owner=owner_for(m.code), day=log, manager=m, customer=c,
                           on_route=on_route, **f)
    return get_visit(v.id)


def _visit(visit_id: str) -> Visit:
    v = Visit.get_or_none(Visit.id == visit_id)
    if v is None or v.deleted:
        raise Refused("visit.missing")
    return v


def _corrected(visit_id: str) -> bool:
    return Visit.select().where(
        (Visit.supersedes == visit_id) & (Visit.deleted == False)  # noqa: E712
    ).exists()


def _signed_refusal(v: Visit) -> Refused:
    return Refused("visit.signed", shop=v.customer.shop_name)


def edit_visit(visit_id: str, **fields) -> VisitLine:
    """Change a visit not yet acknowledged. An acknowledged one is refused: correct it."""
    v = _visit(visit_id)
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
    v = _visit(visit_id)
    if journal.is_signed(v):
        raise _signed_refusal(v)
    journal.delete(v)


def correct_visit(visit_id: str, **fields) -> VisitLine:
    """更正: a new visit that supersedes `visit_id`; the old one stays, marked corrected. The
    correction needs its own acknowledgement."""
    old = _visit(visit_id)
    if _corrected(old.id):
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


# --- acknowledgement --------------------------------------------------------------------------


def _hash(pin: str, salt: bytes) -> str:
    # scrypt: a stolen laptop should not give away the PINs cheaply (a 4-digit PIN stays weak).
    return hashlib.scrypt(pin.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32).hex()


def _pin_row(customer_id: str) -> CustomerPin | None:
    return CustomerPin.get_or_none(
        (CustomerPin.customer == customer_id) & (CustomerPin.deleted == False)  # noqa: E712
    )


def customer_has_pin(customer_id: str) -> bool:
    return _pin_row(customer_id) is not None


def _check_pin_format(pin: str) -> None:
    if not PIN_RE.match(pin or ""):
        raise Refused("pin.format")


def _store_pin(customer_id: str, pin: str, owner: str, existing: CustomerPin | None) -> None:
    """The PIN the customer chose, kept only as a salted scrypt hash."""
    salt = os.urandom(16)
    fields = {"salt": salt.hex(), "pin_hash": _hash(pin, salt), "set_at": now()}
    if existing is None:
        journal.create(CustomerPin, owner=owner_for(owner), customer=customer_id, **fields)
    else:
        journal.update(existing, **fields)


def _pin_matches(row: CustomerPin, pin: str) -> bool:
    return hmac.compare_digest(_hash(pin, bytes.fromhex(row.salt)), row.pin_hash)


def acknowledge(
    visit_id: str,
    method: str = "pin",
    *,
    pin: str = "",
    new_pin: str | None = None,
    handbook_page: str = "",
    reason: str = "",
) -> VisitLine:
    """客户签名认可. `pin`: the customer's PIN; at the first confirmation the customer chooses it
    (`pin` typed twice: `new_pin` is the repetition). `paper`: the handbook page. `declined`: the
    reason (and the page, if any). Once acknowledged the visit is never edited again."""
    v = _visit(visit_id)
    if Acknowledgement.select().where(Acknowledgement.visit == v.id).exists():
        raise Refused("ack.already")
    if _corrected(v.id):
        raise Refused("ack.superseded")
    handbook_page, reason = handbook_page.strip(), reason.strip()
    if method == "paper" and not handbook_page:
        raise Refused("ack.need_page")
    if method == "declined" and not reason:
        raise Refused("ack.need_reason")
    if method not in ("pin", "paper", "declined"):
        raise Refused("ack.method", method=method)
    owner = v.owner
    row = _pin_row(v.customer_id) if method == "pin" else None
    if row is not None:
        _check_pin(v.id, row, pin)
    with database.atomic():
        if method == "pin" and row is None:
            _check_pin_format(pin)
            if new_pin is None or new_pin != pin:
                raise Refused("pin.mismatch")
            _store_pin(v.customer_id, pin, owner, None)
        journal.create(Acknowledgement, owner=owner_for(owner), visit=v,
                       method=method, handbook_page=handbook_page, reason=reason,
                       at=now())
    Setting.delete().where(Setting.key == _TRIES + v.id).execute()
    return get_visit(visit_id)


def _check_pin(visit_id: str, row: CustomerPin, pin: str) -> None:
    """The customer's PIN for this visit. Wrong tries are counted in this laptop's settings (kept
    across restarts, never synced); after MAX_PIN_TRIES in a row the PIN is refused for the
    visit and only the paper handbook is left."""
    tries = int(settings.get(_TRIES + visit_id) or 0)
    if tries >= MAX_PIN_TRIES:
        raise Refused("ack.pin_locked", tries=tries)
    if _pin_matches(row, pin):
        return
    tries += 1
    settings.put(_TRIES + visit_id, str(tries))  # committed on its own: a refusal keeps it
    if tries >= MAX_PIN_TRIES:
        raise Refused("ack.pin_locked", tries=tries)
    raise Refused("ack.wrong_pin", left=MAX_PIN_TRIES - tries)


def pin_tries_left(visit_id: str) -> int:
    return max(0, MAX_PIN_TRIES - int(settings.get(_TRIES + visit_id) or 0))


def reset_pin(visit_id: str, pin: str, new_pin: str) -> VisitLine:
    """A customer who forgot the PIN chooses a new one (typed twice), only on a visit they have
    acknowledged in the paper handbook: their signature there stands for the reset."""
    v = _visit(visit_id)
    ack = Acknowledgement.get_or_none(Acknowledgement.visit == v.id)
    if ack is None or ack.method != "paper":
        raise Refused("pin.reset_needs_paper", shop=v.customer.shop_name)
    _check_pin_format(pin)
    if new_pin != pin:
        raise Refused("pin.mismatch")
    _store_pin(v.customer_id, pin, v.owner, _pin_row(v.customer_id))
    return get_visit(visit_id)


# --- check-ins --------------------------------------------------------------------------------


def phone_in(manager_id: str, day: date, which: str) -> DayView:
    """首末签到: toggle whether the first (or last) visit of the day was phoned in to the
    assessor; the check-in time itself is the visit's time."""
    if which not in ("first", "last"):
        raise ValueError(which)
    log = _log(manager_id, day)
    if log is None or not day_service.live_visits().where(Visit.day == log.id).exists():
        raise Refused("checkin.no_visit")
    done = not getattr(log, f"{which}_phoned")
    journal.update(log, **{f"{which}_phoned": done,
                           f"{which}_phoned_at": now() if done else None})
    return day_view(manager_id, day)
