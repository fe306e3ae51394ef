"""What `kjtui sync status` shows: plain values, for the command and for the notebook's screens."""

from __future__ import annotations

import json

from kjtui.models import (
    HUB,
    CustomerProposal,
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
    }


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
    else:
        hub = SyncPeer.select().where(SyncPeer.node == HUB).order_by(
            SyncPeer.incarnation.desc()).first()
        out["hub"] = _peer(hub) if hub else None
        out["pending"] = node.last_seq() - (hub.their_ack if hub else 0)
    return out
