"""Bundles out: a station's outbox to the hub, the hub's answer to a station."""

from __future__ import annotations

import json
import os

from kjtui.models import HUB, JournalEntry, Manager, SyncParked, SyncPeer, hlc, new_id
from kjtui.models.journal import node_id
from kjtui.models.migrations import latest
from sync import bundle, node, scope

CHUNK = 5000


def _manifest(kind: str, recipient: SyncPeer, first: int, last: int, ack: int,
              missing: list, counts: dict, lines: int) -> dict:
    return {
        "format": bundle.FORMAT, "schema": latest(), "kind": kind, "id": new_id(),
        "sender": node_id(), "sender_inc": node.incarnation(),
        "recipient": recipient.node, "recipient_inc": recipient.incarnation,
        "seq": [first, last], "ack": ack, "missing": missing, "counts": counts, "lines": lines,
        "clock": hlc.now(), "created": node.utc_now(),
    }


def _counts(changes) -> dict:
    counts: dict[str, int] = {}
    for _, table, _ in changes:
        counts[table] = counts.get(table, 0) + 1
    return counts


def _entries(after: int):
    """Journal entries after `after`, read in chunks (a year is tens of thousands)."""
    q = JournalEntry.select().where(JournalEntry.seq > after).order_by(JournalEntry.seq)
    yield from q.iterator()


def station_bundle(after: int | None = None) -> tuple[str, bytes]:
    """The outbox: the journal entries after what the hub acknowledged (or after `after`), as
    many as one bundle takes (bundle.EXPORT_LINES rows, about bundle.EXPORT_RAW bytes): a
    longer outbox goes in several bundles, one after the other. Changes nothing here: the
    entries stay until an acknowledgement from the hub says they arrived."""
    hub = node.hub_peer()
    keys = node.keys()
    after = hub.their_ack if after is None else after
    changes, size = [], 0
    for e in _entries(after):
        if changes and (len(changes) >= bundle.EXPORT_LINES or size >= bundle.EXPORT_RAW):
            break
        changes.append((e.seq, e.table_name, json.loads(e.payload)))
        size += len(e.payload)
    last = changes[-1][0] if changes else after
    lines = bundle.encode_lines(changes, node_id(), after, 0)
    m = _manifest("changes", hub, after + 1, last, hub.acked_seq, [], _counts(changes),
                  len(changes))
    return bundle.file_name(m), bundle.build(m, lines, keys["sign"], hub.kem_pub)


def station_bundles() -> list[tuple[str, bytes]]:
    """The whole outbox as consecutive bundles (at least one: an empty one still carries this
    laptop's acknowledgement of the hub's changes)."""
    out = [station_bundle()]
    top = node.last_seq()
    while True:
        last = bundle.parse(out[-1][1]).last
        if last >= top:
            return out
        out.append(station_bundle(last))


def missing_ranges(peer: SyncPeer) -> list[list[int]]:
    """The gaps between what was applied and the bundles parked behind them."""
    gaps, expect = [], peer.acked_seq + 1
    for p in (SyncParked.select().where((SyncParked.node == peer.node)
                                        & (SyncParked.incarnation == peer.incarnation))
              .order_by(SyncParked.first_seq)):
        if p.first_seq > expect:
            gaps.append([expect, p.first_seq - 1])
        expect = max(expect, p.last_seq + 1)
    return gaps


def return_bundle(peer: SyncPeer) -> tuple[str, bytes]:
    """The hub's answer to a station: its ack, the gaps it still lacks, and the hub's changes
    in that manager's scope since what the station acknowledged (everything again if the
    station has seen seqs this hub never made: a hub restored from a backup)."""
    keys = node.keys()
    manager = Manager.get_or_none(Manager.code == peer.node)
    top = node.last_seq()
    after = peer.their_ack if peer.their_ack <= top else 0
    entries = list(_entries(after))
    wanted: dict[str, set[str]] = {}
    if manager is not None:
        by_table: dict[str, list[str]] = {}
        for e in entries:
            by_table.setdefault(e.table_name, []).append(e.record_id)
        models = {m._meta.table_name: m for m in scope.SYNCED}
        for table, ids in by_table.items():
            wanted[table] = scope.relevant_ids(models[table], sorted(set(ids)), manager)
    changes = [(e.seq, e.table_name, json.loads(e.payload)) for e in entries
               if e.record_id in wanted.get(e.table_name, ())]
    context = {(t, p["id"]): p for _, t, p in changes}
    for _, t, p in changes:
        if t == "handover":
            context.update(scope.handover_context(p, peer.node))
    scope.add_parents(context, peer.node, skip_own=True)
    for _, t, p in changes:
        context.pop((t, p["id"]), None)
    parents = [(None, t, p) for (t, _), p in sorted(context.items(), key=_parent_order)]
    all_lines = parents + changes
    lines = bundle.encode_lines(all_lines, HUB, after, 0)
    m = _manifest("changes", peer, after + 1, max(top, after), peer.acked_seq,
                  missing_ranges(peer), _counts(all_lines), len(all_lines))
    return bundle.file_name(m), bundle.build(m, lines, keys["sign"], peer.kem_pub)


def _parent_order(item):
    (table, rid), _ = item
    order = {m._meta.table_name: i for i, m in enumerate(scope.SYNCED)}
    return order[table], rid


def export(out_dir: str, station: str | None = None) -> list[str]:
    """Write this node's bundles into `out_dir`: a station its outbox, the hub one answer per
    enrolled station (or for `station`)."""
    if not os.path.isdir(out_dir):
        raise bundle.BundleError("sync.no_folder", path=out_dir)
    if node_id() != HUB:
        made = station_bundles()
    else:
        node.keys()
        peers = node.stations(station)
        if station and not peers:
            raise bundle.BundleError("hub.unknown_station", code=station)
        made = [return_bundle(p) for p in peers]
    return [bundle.write_atomic(out_dir, name, data) for name, data in made]
