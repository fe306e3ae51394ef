"""A customer or a route changes hands at the county (`kjtui hub reassign`), with everything
that hangs off it, so that neither station is ever stranded by the move:

- the customer's master data names its new manager (and route); the stop on the old manager's
  route is deleted (a tombstone the old station receives) and one is placed at the end of the
  new route (a stop deleted there before comes back, so the database's UNIQUE (route, customer)
  and (route, position) always hold);
- the customer's PIN follows the customer: the hub gives the PIN record to the new station (a
  new revision it owns), which receives it with the handover; a PIN the old station set before it
  heard arrives later as the same record (one id a customer) and is taken over by the new
  station's next PIN, never a second row;
- a Handover record goes to both stations: the old station's notebook learns the customer (or
  route) is no longer its own, and the hub keeps accepting the old station's records that refer
  to it, written before it heard (kjtui.models.rules: reach);
- the old station's visits, information and proposals stay its own records; decisions on its
  proposals still travel back to it.
"""

from __future__ import annotations

from datetime import datetime

from kjtui.exception import BundleError
from kjtui.models import (
    HUB,
    Customer,
    CustomerPin,
    Handover,
    Manager,
    Route,
    RouteStop,
    database,
    journal,
)
from kjtui.models.journal import node_id


def _hub_only() -> None:
    if node_id() != HUB:
        raise BundleError("hub.is_station", node=node_id())


def _manager(code: str) -> Manager:
    m = Manager.get_or_none(Manager.code == code)
    if m is None:
        raise BundleError("hub.unknown_manager", code=code)
    return m


def _code(manager_id: str | None) -> str:
    if manager_id is None:
        return ""
    m = Manager.get_or_none(Manager.id == manager_id)
    return m.code if m else ""


def _next_position(route_id: str) -> int:
    top = (RouteStop.select(RouteStop.position).where(RouteStop.route == route_id)
           .order_by(RouteStop.position.desc()).scalar())
    return 0 if top is None else top + 1


def _place_stop(customer: Customer, route: Route) -> None:
    stop = RouteStop.get_or_none((RouteStop.route == route.id)
                                 & (RouteStop.customer == customer.id))
    if stop is None:
        journal.create(RouteStop, route=route.id, customer=customer.id,
                       position=_next_position(route.id))
    elif stop.deleted:
        journal.update(stop, deleted=False, position=_next_position(route.id))


def _move_customer(c: Customer, to: Manager, route: Route | None, now: datetime) -> Handover:
    old_code = _code(c.manager_id)
    keep_route = route is None and c.route_id is not None and Route.get_by_id(
        c.route_id).manager_id == to.id
    target = route.id if route is not None else (c.route_id if keep_route else None)
    journal.update(c, manager=to.id, route=target)
    for stop in RouteStop.select(RouteStop, Route).join(Route).where(
            (RouteStop.customer == c.id) & (RouteStop.deleted == False)):
        if stop.route.manager_id != to.id:
            journal.delete(stop)
    if route is not None:
        _place_stop(c, route)
    pin = CustomerPin.get_or_none(CustomerPin.customer == c.id)
    if pin is not None and pin.owner != to.code:
        journal.hand_over(pin, to.code)
    return journal.create(Handover, kind="customer", record_id=c.id, from_station=old_code,
                          to_station=to.code, at=now)


def reassign_customer(licence_no: str, to_code: str, route_code: str | None = None) -> Handover:
    """Give a customer to another manager (and, with `route_code`, onto one of their routes)."""
    _hub_only()
    c = Customer.get_or_none(Customer.licence_no == licence_no)
    if c is None:
        raise BundleError("hub.unknown_customer", licence=licence_no)
    to = _manager(to_code)
    route = None
    if route_code:
        route = Route.get_or_none(Route.code == route_code)
        if route is None or route.manager_id != to.id:
            raise BundleError("hub.route_not_of", route=route_code, code=to_code)
    if c.manager_id == to.id and (route is None or c.route_id == route.id):
        raise BundleError("hub.already_theirs", what=licence_no, code=to_code)
    with database.atomic():
        return _move_customer(c, to, route, datetime.now().replace(microsecond=0))


def reassign_route(route_code: str, to_code: str) -> list[Handover]:
    """Give a route, its stops and the customers on it that its manager held, to another."""
    _hub_only()
    route = Route.get_or_none(Route.code == route_code)
    if route is None:
        raise BundleError("hub.unknown_route", route=route_code)
    to = _manager(to_code)
    if route.manager_id == to.id:
        raise BundleError("hub.already_theirs", what=route_code, code=to_code)
    now = datetime.now().replace(microsecond=0)
    old_id, old_code = route.manager_id, _code(route.manager_id)
    with database.atomic():
        journal.update(route, manager=to.id)
        done = [journal.create(Handover, kind="route", record_id=route.id,
                               from_station=old_code, to_station=to.code, at=now)]
        on_route = RouteStop.select(RouteStop.customer).where(
            (RouteStop.route == route.id) & (RouteStop.deleted == False))
        for c in Customer.select().where(
                (Customer.id.in_(on_route) | (Customer.route == route.id))
                & ((Customer.manager == old_id) | Customer.manager.is_null())):
            done.append(_move_customer(c, to, None, now))
    return done
