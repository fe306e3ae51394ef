"""What a visit is checked for and asked before it is written (docs/ARCHITECTURE.md, section 8).

Refused outright: a form's wrong quantity, satisfaction or too long a note (`visit_fields`).
What the manager must confirm (a confirmable `Refused`, asked as a question, saved once its key
is among `confirmed`): a second visit of a customer the same day, a customer picked off the route
who is on the day's route, a customer of a township the manager does not serve
(`check_customer`), an order far above the customer's usual (`far_above_usual`, `check_order`).
The same rules give the flags of a visit line (kjtui.services.visits)."""

from __future__ import annotations

from datetime import date, datetime, time
from statistics import median_low

from kjtui.exception import Refused
from kjtui.models import Customer, Manager, Post, Route, Township, Visit
from kjtui.services import day as day_service

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


def visit_fields(day: date, fields: dict) -> dict:
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


def visited_at(manager_id: str, day: date, customer_id: str) -> datetime | None:
    """The arrival of the manager's visit of this customer on `day` that counts, if any."""
    log = day_service.day_log(manager_id, day)
    if log is None:
        return None
    return (day_service.live_visits().select(Visit.arrived_at)
            .where((Visit.day == log.id) & (Visit.customer == customer_id))
            .order_by(Visit.arrived_at).scalar())


def check_customer(manager_id: str, day: date, c: Customer, stop, off_route: bool,
                    confirmed) -> None:
    """The questions about whom the manager visits (see the module's docstring)."""
    earlier = visited_at(manager_id, day, c.id)
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


def check_order(c: Customer, day: date, quantity: int, confirmed) -> None:
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


def order_changed(old: Visit, f: dict, confirmed) -> None:
    """An order changed far above the customer's usual is asked again, an unchanged one not."""
    ordered = f.get("ordered", old.ordered)
    quantity = f.get("quantity", old.quantity)
    if ordered and (quantity, ordered) != (old.quantity, old.ordered):
        check_order(old.customer, old.day.day, quantity, confirmed)
