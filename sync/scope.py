"""Which records a station receives: its manager's customers, routes, targets, reviews and the
county's small shared tables. One definition for enrollment (whole tables) and return bundles
(journal entries), with the parent records a station needs to satisfy its foreign keys."""

from __future__ import annotations

import json

import peewee as pw

from kjtui.models import (
    OWNED_BY_STATION,
    SYNCED,
    Award,
    Customer,
    CustomerPin,
    CustomerProposal,
    Handover,
    HeldRecord,
    InfoFeedback,
    InfoItem,
    JournalEntry,
    Manager,
    MonthClose,
    MonthlyScore,
    PinResetDecision,
    PinResetRequest,
    PlanDay,
    Post,
    ProposalDecision,
    ReviewFlag,
    Route,
    RouteStop,
    Supervisor,
    Township,
    TrainingSession,
    Visit,
    WeeklyReview,
)
from kjtui.models.journal import to_payload

SHARED = (Township, Post, Supervisor, TrainingSession, Award,  # small, county-wide
          MonthClose)  # each close and reopen, so a laptop shows a reopened month as provisional
CHUNK = 500


def condition(model, manager: Manager):
    """A where-clause for `model` selecting what this manager's station holds (None: all)."""
    code = manager.code
    if model is CustomerPin:  # the PIN of a customer it serves, whichever laptop set it; not
        # of one handed away (the old laptop keeps the customer its visits name, not his PIN)
        return CustomerPin.customer.in_(Customer.select(Customer.id).where(served(manager)))
    if model in OWNED_BY_STATION:
        return model.owner == code
    if model in SHARED:
        return None
    my_routes = Route.select(Route.id).where(Route.manager == manager.id)
    # What the county handed from this manager to another: the old station hears of it too, so
    # its notebook stops showing it as its own (records it wrote before still refer to it).
    handed = Handover.select(Handover.record_id).where(Handover.from_station == code)
    if model is Manager:
        return Manager.id == manager.id
    if model is MonthlyScore:  # the county's ranking table of every closed month (issue 13)
        closed = MonthClose.select(MonthClose.month).where(MonthClose.state == "closed")
        return (MonthlyScore.manager == manager.id) | MonthlyScore.month.in_(closed)
    if model is Route:
        return (Route.manager == manager.id) | Route.id.in_(handed)
    if model is Customer:
        return served(manager) | Customer.id.in_(handed)
    if model is Handover:
        return (Handover.from_station == code) | (Handover.to_station == code)
    if model is HeldRecord:
        return HeldRecord.station == code
    if model is RouteStop:
        return RouteStop.route.in_(my_routes)
    if model is ReviewFlag:
        return ReviewFlag.review.in_(
            WeeklyReview.select(WeeklyReview.id).where(WeeklyReview.manager == manager.id))
    if model is InfoFeedback:
        return InfoFeedback.item.in_(InfoItem.select(InfoItem.id).where(InfoItem.owner == code))
    if model is ProposalDecision:
        return ProposalDecision.proposal.in_(
            CustomerProposal.select(CustomerProposal.id).where(CustomerProposal.owner == code))
    if model is PinResetDecision:  # the county's answer to this laptop's PIN reset requests
        return PinResetDecision.request.in_(
            PinResetRequest.select(PinResetRequest.id).where(PinResetRequest.owner == code))
    if "manager" in model._meta.fields:
        return model.manager == manager.id
    return pw.SQL("1 = 0")  # anything new stays at the hub until someone decides otherwise


def served(manager: Manager):
    """Where-clause: the customers this manager serves now (his own, on his routes)."""
    my_routes = Route.select(Route.id).where(Route.manager == manager.id)
    stops = RouteStop.select(RouteStop.customer).where(
        RouteStop.route.in_(my_routes) & (RouteStop.deleted == False))
    return ((Customer.manager == manager.id) | Customer.route.in_(my_routes)
            | Customer.id.in_(stops))


def snapshot(manager: Manager) -> dict[tuple[str, str], dict]:
    """Every record in this manager's scope, with parents: {(table, id): payload}."""
    rows: dict[tuple[str, str], dict] = {}
    for model in SYNCED:
        q = model.select()
        cond = condition(model, manager)
        if cond is not None:
            q = q.where(cond)
        for rec in q:
            rows[(model._meta.table_name, rec.id)] = to_payload(rec)
    add_parents(rows, manager.code)
    return rows


def relevant_ids(model, ids: list[str], manager: Manager) -> set[str]:
    """Of the records changed (`ids`), those this manager's station must hear of: those in its
    scope after the change, and a customer or route that was its own before it (a change that
    takes it away, an import handing it to another manager, reaches the station it leaves)."""
    cond = condition(model, manager)
    was = held_before(model, manager)
    found: set[str] = set()
    for i in range(0, len(ids), CHUNK):
        q = model.select(model.id).where(model.id.in_(ids[i : i + CHUNK]))
        if cond is not None and was is not None:
            q = q.where(cond | was)
        elif cond is not None:
            q = q.where(cond)
        found.update(r for (r,) in q.tuples())
    return found


def held_before(model, manager: Manager):
    """Where-clause: the customers or routes this manager's station held at some time, so that
    the change that takes one away reaches it; its notebook then shows it as another manager's
    (its own past visits keep their customer) and its PIN records leave its scope with it
    (`condition` follows the customer). The hub's journal keeps every revision it wrote, so a
    revision that named this manager says so; a record written outside the journal (the demo's
    county) was held if the station's own records name it. None: scope is all there is."""
    if model is Customer:
        wrote = Visit.select(Visit.id).where((Visit.customer == Customer.id)
                                             & (Visit.owner == manager.code))
    elif model is Route:
        wrote = PlanDay.select(PlanDay.id).where((PlanDay.route == Route.id)
                                                 & (PlanDay.owner == manager.code))
    else:
        return None
    named = JournalEntry.select(JournalEntry.seq).where(  # the index on (table, record)
        (JournalEntry.table_name == model._meta.table_name) & (JournalEntry.record_id == model.id)
        & JournalEntry.payload.contains(f'"manager_id":"{manager.id}"'))
    return pw.fn.EXISTS(named) | pw.fn.EXISTS(wrote)


def add_parents(rows: dict[tuple[str, str], dict], code: str, skip_own: bool = False) -> None:
    """Add the records that `rows` point at, recursively, so the station's foreign keys hold.
    `skip_own`: leave out the station's own records (it has them)."""
    by_table = {m._meta.table_name: m for m in SYNCED}
    todo = list(rows.items())
    while todo:
        wanted: dict[type, set[str]] = {}
        for (table, _), payload in todo:
            for field in by_table[table]._meta.refs:
                value = payload.get(field.column_name)
                parent = field.rel_model
                if value and (parent._meta.table_name, value) not in rows:
                    wanted.setdefault(parent, set()).add(value)
        todo = []
        for parent, ids in wanted.items():
            ids = sorted(ids)
            for i in range(0, len(ids), CHUNK):
                for rec in parent.select().where(parent.id.in_(ids[i : i + CHUNK])):
                    if skip_own and parent in OWNED_BY_STATION and rec.owner == code:
                        continue
                    key = (parent._meta.table_name, rec.id)
                    if key not in rows:
                        rows[key] = to_payload(rec)
                        todo.append((key, rows[key]))


def handover_context(handover: dict, code: str) -> dict[tuple[str, str], dict]:
    """What a station must receive with a customer or route handed to it, besides the journal
    entries of the change itself: the route's stops and their customers, and each customer's
    PIN (the county gave it to this station: station-owned context, owned by the recipient)."""
    rows: dict[tuple[str, str], dict] = {}
    if handover.get("to_station") != code:
        return rows
    customers: list[str] = []
    if handover["kind"] == "route":
        route = Route.get_or_none(Route.id == handover["record_id"])
        if route is None:
            return rows
        rows[("route", route.id)] = to_payload(route)
        for stop in RouteStop.select().where(RouteStop.route == route.id):
            rows[("route_stop", stop.id)] = to_payload(stop)
            customers.append(stop.customer_id)
    else:
        customers.append(handover["record_id"])
    for i in range(0, len(customers), CHUNK):
        chunk = customers[i : i + CHUNK]
        for c in Customer.select().where(Customer.id.in_(chunk)):
            rows[("customer", c.id)] = to_payload(c)
        for pin in CustomerPin.select().where(CustomerPin.customer.in_(chunk)
                                              & (CustomerPin.owner == code)):
            rows[("customer_pin", pin.id)] = to_payload(pin)
    return rows


def journal_payload(entry) -> dict:
    return json.loads(entry.payload)
