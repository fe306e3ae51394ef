"""What `kjtui sync status` shows: plain values, for the command and for the notebook's screens.

`at_county(station)` is what waits at the county for one station and why, in the station's own
terms (plain dataclasses; reasons are catalog keys with their parameters): on a laptop from the
held records the hub sends back, at the hub from its own."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import peewee as pw

from kjtui.models import (
    HUB,
    CustomerProposal,
    HeldRecord,
    ProposalDecision,
    SyncConflict,
    SyncParked,
    SyncPeer,
)
from kjtui.models.journal import node_id
from sync import node
from sync.exporter import missing_ranges


def _peer(p: SyncPeer) -> dict:
    parked = [[r.first_seq, r.last_seq] for r in SyncParked.select().where(
        (SyncParked.node == p.node) & (SyncParked.incarnation == p.incarnation))
        .order_by(SyncParked.first_seq)]
    return {
        "node": p.node, "incarnation": p.incarnation, "revoked": p.revoked,
        "applied_seq": p.acked_seq, "their_ack": p.their_ack, "parked": parked,
        "missing_here": missing_ranges(p),
        "missing_there": json.loads(p.missing) if p.missing else [],
        "skew_ms": p.skew_ms, "skew_flagged": p.skew_flagged,
        "last_import_at": p.last_import_at, "enrolled_at": p.enrolled_at,
        "replaced_at": p.replaced_at,
    }


def _plain(w: Waiting) -> dict:
    return {"id": w.id, "table": w.table, "record": w.record_id, "rev": w.rev, "seq": w.seq,
            "reason": w.reason, "params": w.params, "state": w.state, "note": w.note,
            "held_at": w.held_at.isoformat() if w.held_at else None}


def status() -> dict:
    me = node_id()
    out = {"node": me, "incarnation": node.incarnation(), "keys": node.has_keys(),
           "journal_seq": node.last_seq()}
    if me == HUB:
        out["stations"] = [_peer(p) for p in SyncPeer.select().where(SyncPeer.node != HUB)
                           .order_by(SyncPeer.node, SyncPeer.incarnation)]
        decided = ProposalDecision.select(ProposalDecision.proposal)
        out["pending_proposals"] = CustomerProposal.select().where(
            CustomerProposal.id.not_in(decided)).count()
        out["conflicts"] = SyncConflict.select().where(SyncConflict.resolved == False).count()
        out["held"] = {code: n for code, n in HeldRecord.select(
            HeldRecord.station, pw.fn.COUNT(HeldRecord.id)).where(HeldRecord.state == "held")
            .group_by(HeldRecord.station).tuples()}
    else:
        hub = SyncPeer.select().where(SyncPeer.node == HUB).order_by(
            SyncPeer.incarnation.desc()).first()
        out["hub"] = _peer(hub) if hub else None
        out["pending"] = node.last_seq() - (hub.their_ack if hub else 0)
        county = at_county()
        out["waiting"] = [_plain(w) for w in county.waiting]
        out["rejected"] = [_plain(w) for w in county.rejected]
    return out


@dataclass(frozen=True)
class Waiting:
    """One of the station's records the county did not apply, and what became of it."""

    id: str  # the held record at the county (kjtui hub resolve ID)
    table: str
    record_id: str
    rev: int
    seq: int  # in the station's journal
    incarnation: int
    state: str  # held | accepted | rejected | superseded
    reason: str  # catalog key of the rule it breaks
    params: dict
    held_at: datetime | None
    decided_at: datetime | None
    note: str  # the administrator's
    values: dict  # the record as the station sent it


@dataclass(frozen=True)
class AtCounty:
    station: str
    waiting: list[Waiting]  # held, awaiting the administrator's decision
    rejected: list[Waiting]  # decided: never applied (with the note)
    accepted: int  # decided: applied after all
    pending: int  # changes the hub has not acknowledged yet (-1: unknown here)
    parked: list[list[int]]  # seq ranges the hub keeps waiting behind a gap


def _waiting(h: HeldRecord) -> Waiting:
    return Waiting(h.id, h.table_name, h.record_id, h.record_rev, h.seq, h.incarnation, h.state,
                   h.reason, json.loads(h.params or "{}"), h.held_at, h.decided_at, h.note,
                   json.loads(h.incoming))


def at_county(station: str | None = None) -> AtCounty:
    """What waits at the county for `station` (on a laptop: this one) and why."""
    me = node_id()
    code = station or me
    rows = [_waiting(h) for h in HeldRecord.select().where(
        (HeldRecord.station == code) & (HeldRecord.deleted == False))
        .order_by(HeldRecord.incarnation, HeldRecord.seq)]
    pending, parked = -1, []
    if me != HUB:
        hub = SyncPeer.select().where(SyncPeer.node == HUB).order_by(
            SyncPeer.incarnation.desc()).first()
        pending = node.last_seq() - (hub.their_ack if hub else 0)
        parked = json.loads(hub.missing) if hub and hub.missing else []
    else:
        peer = SyncPeer.select().where((SyncPeer.node == code) & (SyncPeer.revoked == False)
                                       ).order_by(SyncPeer.incarnation.desc()).first()
        parked = [[r.first_seq, r.last_seq] for r in SyncParked.select().where(
            SyncParked.node == code).order_by(SyncParked.first_seq)] if peer else []
    return AtCounty(code, [w for w in rows if w.state == "held"],
                    [w for w in rows if w.state == "rejected"],
                    sum(1 for w in rows if w.state == "accepted"), max(pending, -1), parked)
