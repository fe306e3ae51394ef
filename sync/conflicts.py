"""The administrator's list, per station, and the decisions: station proposals against county
master data, station records held at import because they break a rule (kjtui.models.rules), and
what lost on import. Nothing is dropped; every decision travels back to its station.

The lifecycle of a held record (HeldRecord, travels to its station with every change):

    held ──accept──▶ accepted   the record is checked again and written; an administrator may
      │                         accept past a rule that is the county's to waive (OVERRIDABLE);
      │                         records of that station waiting on it are tried again
      ├──reject──▶ rejected     never written; the station shows the decision and its note;
      │                         records of that station waiting on it are rejected with it
      └──(a newer revision of the same record applies)──▶ superseded
"""

from __future__ import annotations

import json
from datetime import datetime

from kjtui.exception import BundleError, Refused
from kjtui.models import (
    SYNCED,
    Customer,
    CustomerProposal,
    HeldRecord,
    ProposalDecision,
    Supervisor,
    SyncConflict,
    database,
    journal,
    rules,
)

# Rules the county may waive for one record: a visit at a customer outside the manager's care,
# a revision older than the county's (two laptops of one manager), a record another station
# holds (given to the sender). Never: a signature, the manager a record is credited to, another
# station's records, county records, a malformed value, the database's UNIQUE indexes.
OVERRIDABLE = frozenset({"write.out_of_scope", "write.stale", "write.not_owner"})
RETRIED = ("write.parent_held", "write.missing_reference", "write.database")
MODELS_BY_TABLE = {m._meta.table_name: m for m in SYNCED}


def changes(incoming: dict, current: dict | None) -> list[tuple[str, object, object]]:
    """(column, what the hub holds, what the station sent) for every column that differs; for a
    new record, every column against nothing."""
    skip = {"id", "hlc"}
    out = []
    for col, new in incoming.items():
        if col in skip:
            continue
        old = None if current is None else current.get(col)
        if current is None or old != new:
            out.append((col, old, new))
    return out


def _held_item(h: HeldRecord) -> dict:
    incoming = json.loads(h.incoming)
    current = json.loads(h.current) if h.current else None
    return {"kind": "held", "id": h.id, "station": h.station, "incarnation": h.incarnation,
            "seq": h.seq, "table": h.table_name, "record": h.record_id, "rev": h.record_rev,
            "reason": h.reason, "params": json.loads(h.params or "{}"),
            "held_at": h.held_at.isoformat(timespec="seconds") if h.held_at else "",
            "changes": [list(c) for c in changes(incoming, current)],
            "overridable": h.reason in OVERRIDABLE}


def pending(station: str | None = None) -> list[dict]:
    """Everything waiting for a decision, by station then order of arrival."""
    decided = ProposalDecision.select(ProposalDecision.proposal)
    out = []
    q = (CustomerProposal.select(CustomerProposal, Customer).join(Customer)
         .where(CustomerProposal.id.not_in(decided)))
    if station:
        q = q.where(CustomerProposal.owner == station)
    for p in q.order_by(CustomerProposal.owner, CustomerProposal.proposed_at):
        current = getattr(p.customer, p.field)
        current = "" if current is None else str(current)
        out.append({
            "kind": "proposal", "id": p.id, "station": p.owner,
            "proposed_at": p.proposed_at.isoformat(timespec="seconds"),
            "customer": p.customer.licence_no, "shop": p.customer.shop_name,
            "field": p.field, "old": p.old_value, "new": p.new_value, "current": current,
            # the county changed the value since the manager saw it
            "stale": current != (p.old_value or ""),
        })
    q = HeldRecord.select().where(HeldRecord.state == "held")
    if station:
        q = q.where(HeldRecord.station == station)
    out.extend(_held_item(h) for h in q.order_by(HeldRecord.station, HeldRecord.incarnation,
                                                  HeldRecord.seq))
    q = SyncConflict.select().where(SyncConflict.resolved == False)
    if station:
        q = q.where(SyncConflict.node == station)
    for c in q.order_by(SyncConflict.node, SyncConflict.at):
        out.append({"kind": c.kind, "id": c.id, "station": c.node, "table": c.table_name,
                    "record": c.record_id, "detail": json.loads(c.detail)})
    out.sort(key=lambda item: item["station"])  # stable: each station's own order kept
    return out


def _supervisor(code: str | None) -> Supervisor | None:
    if not code:
        return None
    sup = Supervisor.get_or_none(Supervisor.code == code)
    if sup is None:
        raise BundleError("hub.unknown_supervisor", code=code)
    return sup


def resolve(ident: str, accept: bool, note: str = "", supervisor: str | None = None) -> dict:
    """Decide a proposal (accepted: the customer's master data changes), a held record
    (accepted: checked again and written; rejected: never written), or close a conflict. The
    decision is journaled at the hub and travels back to the station."""
    matches = [p for p in pending() if p["id"].startswith(ident)] if len(ident) >= 4 else []
    if len(matches) != 1:
        raise BundleError("hub.no_such_conflict", id=ident)
    item = matches[0]
    sup = _supervisor(supervisor)
    now = datetime.now().replace(microsecond=0)
    with database.atomic():
        if item["kind"] == "held":
            _decide_held(HeldRecord.get_by_id(item["id"]), accept, note, sup, now)
            return item
        if item["kind"] != "proposal":
            SyncConflict.update(resolved=True).where(SyncConflict.id == item["id"]).execute()
            return item
        decide_proposal(item["id"], accept, note, sup, now)
    return item


def decide_proposal(proposal_id: str, accept: bool, note: str, sup: Supervisor | None,
                    now: datetime) -> ProposalDecision:
    """The county's decision on a manager's proposal to change a customer's basic data (基础资料
    维护), who and when; accepted, the customer's master data takes the new value. One rule for
    `kjtui hub resolve` and the desk's proposals screen. A proposal is decided once (its
    decision travels to the station, which shows it under the customer)."""
    proposal = CustomerProposal.get_or_none((CustomerProposal.id == proposal_id)
                                            & (CustomerProposal.deleted == False))
    if proposal is None:
        raise Refused("hub.no_such_conflict", id=proposal_id)
    if ProposalDecision.get_or_none(ProposalDecision.proposal == proposal.id) is not None:
        raise Refused("proposal.decided")
    with database.atomic():
        decision = journal.create(ProposalDecision, proposal=proposal, accepted=accept,
                                  note=note, decided_by=sup, decided_at=now)
        if accept:
            journal.update(proposal.customer, **{proposal.field: proposal.new_value})
    return decision


def _record(h: HeldRecord) -> rules.Rec:
    return rules.Rec(MODELS_BY_TABLE[h.table_name], json.loads(h.incoming), seq=h.seq)


def _decide_held(h: HeldRecord, accept: bool, note: str, sup, now: datetime) -> None:
    from sync import importer

    if not accept:
        journal.update(h, state="rejected", decided_at=now, decided_by=sup, note=note)
        _reject_waiting(h, note, sup, now)
        return
    # Waiving write.not_owner gives the record to the station that sent it (the owner rule
    # has already made sure the record names its sender as owner).
    why = importer.apply_one(_record(h), h.station, frozenset({h.reason}) & OVERRIDABLE)
    if why is not None:
        raise Refused(why.key, **why.params)
    journal.update(h, state="accepted", decided_at=now, decided_by=sup, note=note)
    _retry_waiting(h.station, now)


def _reject_waiting(parent: HeldRecord, note: str, sup, now: datetime) -> None:
    """Records of the station held because they refer to a record now rejected (an
    acknowledgement of a rejected visit) can never apply: rejected with it, never left waiting."""
    for h in (HeldRecord.select().where((HeldRecord.station == parent.station)
                                        & (HeldRecord.state == "held")
                                        & (HeldRecord.reason == "write.parent_held"))
              .order_by(HeldRecord.incarnation, HeldRecord.seq)):
        rec = _record(h)
        if any(rec.values.get(f.column_name) == parent.record_id for f in rec.model._meta.refs):
            journal.update(h, state="rejected", decided_at=now, decided_by=sup, note=note)
            _reject_waiting(h, note, sup, now)


def _retry_waiting(station: str, now: datetime) -> None:
    """Records of the station held because of a record now written: tried again, in seq order,
    until none more applies."""
    from sync import importer

    progress = True
    while progress:
        progress = False
        for h in (HeldRecord.select().where((HeldRecord.station == station)
                                            & (HeldRecord.state == "held")
                                            & HeldRecord.reason.in_(RETRIED))
                  .order_by(HeldRecord.incarnation, HeldRecord.seq)):
            with database.atomic():
                if importer.apply_one(_record(h), station) is None:
                    journal.update(h, state="accepted", decided_at=now)
                    progress = True
