"""A manager's status 人员状态 (seed, sections 一, 二): standby study 待岗学习, transfer of post
换岗, dismissal 解聘 (contract staff only: regular staff go to standby or another post), and the
return to work. Each change is a record with its date, its reason and the supervisor who decided
(never edited: a later change supersedes it, the history keeps both). A manager who leaves hands
his customers and routes to another first; his laptop is retired by the command that calls this
(sync.enroll.revoke).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kjtui.exception import Refused
from kjtui.models import (
    Customer,
    Manager,
    ManagerStatusChange,
    Route,
    RouteStop,
    Supervisor,
    database,
    journal,
)
from kjtui.services.entry import supervisor_of

LEAVING = ("standby", "transferred", "dismissed")


@dataclass(frozen=True)
class Handover:
    customers: int
    routes: int


@dataclass(frozen=True)
class StatusEntry:
    effective_on: date
    status: str
    reason: str
    decided_by: str  # the supervisor's code ("" if not recorded)
    decided_by_name: str


def manager(code: str) -> Manager:
    m = Manager.get_or_none((Manager.code == code) & (Manager.deleted == False))
    if m is None:
        raise Refused("staff.unknown_manager", code=code)
    return m


def holdings(m: Manager) -> Handover:
    return Handover(
        Customer.select().where((Customer.manager == m.id) & (Customer.deleted == False)
                                & (Customer.active == True)).count(),
        Route.select().where((Route.manager == m.id) & (Route.deleted == False)).count())


def hand_over(from_code: str, to_code: str) -> Handover:
    """Every route and customer of one manager to another of the same post, through the write
    path; the routes' stops are written again so they travel to the new manager's laptop."""
    giver, taker = manager(from_code), manager(to_code)
    if giver.id == taker.id:
        raise Refused("staff.same_manager", code=to_code)
    if taker.status != "active":
        raise Refused("staff.not_active", code=to_code, status=taker.status)
    if giver.post_id is not None and taker.post_id != giver.post_id:
        raise Refused("staff.other_post", code=to_code)
    with database.atomic():
        routes = list(Route.select().where((Route.manager == giver.id) & (Route.deleted == False))
                      .dicts())
        journal.update_many(Route, [(r, {"manager": taker.id}) for r in routes])
        route_ids = [r["id"] for r in routes]
        customers = list(Customer.select().where(
            (Customer.manager == giver.id) & (Customer.deleted == False)).dicts())
        journal.update_many(Customer, [(c, {"manager": taker.id}) for c in customers])
        stops = list(RouteStop.select().where(RouteStop.route.in_(route_ids)
                                              & (RouteStop.deleted == False)).dicts()) \
            if route_ids else []
        journal.update_many(RouteStop, [(s, {}) for s in stops])
    return Handover(len(customers), len(routes))


def change_status(code: str, status: str, *, on: date, decided_by: str, reason: str = "",
                  hand_to: str | None = None) -> ManagerStatusChange:
    """Record a status change decided by a supervisor, effective `on`."""
    m = manager(code)
    supervisor: Supervisor = supervisor_of(decided_by)
    if status == m.status:
        raise Refused("staff.same_status", code=code, status=status)
    if status == "dismissed" and m.employment != "contract":
        raise Refused("staff.dismiss_regular", code=code)
    if status == "active" and m.status == "dismissed":
        raise Refused("staff.no_return_dismissed", code=code)
    with database.atomic():
        if status in LEAVING:
            if hand_to:
                hand_over(code, hand_to)
            held = holdings(m)
            if held.customers or held.routes:
                raise Refused("staff.hand_over_first", code=code, customers=held.customers,
                              routes=held.routes)
        change = journal.create(ManagerStatusChange, manager=m.id, status=status,
                                effective_on=on, reason=reason, decided_by=supervisor.id)
        journal.update(m, status=status)
    return change


def history(code: str) -> list[StatusEntry]:
    m = manager(code)
    supervisors = {s.id: s for s in Supervisor.select()}
    out = []
    for c in (ManagerStatusChange.select()
              .where((ManagerStatusChange.manager == m.id) & (ManagerStatusChange.deleted == False))
              .order_by(ManagerStatusChange.effective_on, ManagerStatusChange.hlc)):
        s = supervisors.get(c.decided_by_id)
        out.append(StatusEntry(c.effective_on, c.status, c.reason, s.code if s else "",
                               s.name if s else ""))
    return out
