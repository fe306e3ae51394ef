"""Bundles in: verify everything before a byte is decrypted or a row is written, then apply the
whole bundle in one transaction; the acknowledgement moves in that same transaction."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import date, datetime

import peewee as pw

from kjtui.models import (
    HUB, OWNED_BY_STATION, SYNCED, SyncConflict, SyncParked, SyncPeer, SyncReceived, database,
)
from kjtui.models.migrations import latest
from sync import bundle, hlc, node
from sync.bundle import BundleError
from sync.journal import node_id

MODELS = {m._meta.table_name: m for m in SYNCED}
ORDER = {m._meta.table_name: i for i, m in enumerate(SYNCED)}  # parents first
STATION_TABLES = {m._meta.table_name for m in OWNED_BY_STATION}
CHUNK = 400  # rows per INSERT: stays under SQLite's variable limit for the widest table
ABSENT = "-" * 16  # a seq of the hub's journal that was not for this station


@dataclass
class Result:
    sender: str
    incarnation: int
    status: str  # applied | parked | duplicate
    first: int
    last: int
    changes: int = 0  # records written (inserted or newer)
    unparked: int = 0  # parked bundles applied after this one filled their gap
    skew_flagged: bool = False
    reply: tuple[str, bytes] | None = None
    conflicts: list = field(default_factory=list)


@dataclass
class Opened:
    b: bundle.Bundle
    changes: list  # [(seq or None, table, payload)]


def open_bundle(data: bytes) -> tuple[Opened, SyncPeer]:
    """Every check that needs no write: size, structure, addressee, a known sender that is not
    revoked (before decrypting), signature, hash, decryption, schema, content."""
    b = bundle.parse(data)
    m = b.manifest
    me = node_id()
    if m["kind"] == "enroll":
        raise BundleError("bundle.is_enrollment")
    if m["recipient"] != me or m["recipient_inc"] != node.incarnation():
        raise BundleError("bundle.not_for_me", recipient=m["recipient"], me=me)
    if m["sender"] == me or (me != HUB and m["sender"] != HUB):
        raise BundleError("bundle.unknown_sender", sender=m["sender"])
    my_keys = node.keys()
    peer = SyncPeer.get_or_none((SyncPeer.node == m["sender"])
                                & (SyncPeer.incarnation == m["sender_inc"]))
    if peer is None:
        raise BundleError("bundle.unknown_sender", sender=m["sender"])
    if peer.revoked:
        raise BundleError("bundle.revoked_sender", sender=m["sender"])
    raw = bundle.open_payload(b, peer.sign_pub, my_keys["kem"])
    if m["schema"] > latest():
        raise BundleError("bundle.schema_newer", version=m["schema"], latest=latest())
    changes = bundle.decode_lines(raw, m["sender"], b.first - 1, 0)
    _check_content(m, changes)
    return Opened(b, changes), peer


def _check_content(m: dict, changes: list) -> None:
    counts: dict[str, int] = {}
    prev = m["seq"][0] - 1
    for seq, table, payload in changes:
        counts[table] = counts.get(table, 0) + 1
        if seq is not None:
            if seq <= prev or seq > m["seq"][1]:
                raise BundleError("bundle.corrupt")
            prev = seq
        # Never a record from a node that may not write it: a station sends only its own
        # notebook, the hub only county records (plus, as context, the station's own).
        if m["sender"] != HUB:
            if seq is None or table not in STATION_TABLES or payload["owner"] != m["sender"]:
                raise BundleError("bundle.not_owner", sender=m["sender"], table=table)
        elif seq is not None and (table in STATION_TABLES or payload["owner"] != HUB):
            raise BundleError("bundle.not_owner", sender=m["sender"], table=table)
        elif seq is None and table in STATION_TABLES and payload["owner"] != m["recipient"]:
            raise BundleError("bundle.not_owner", sender=m["sender"], table=table)
    if counts != m["counts"] or len(changes) != m["lines"]:
        raise BundleError("bundle.corrupt")
    if m["sender"] != HUB and len(changes) != m["seq"][1] - m["seq"][0] + 1:
        raise BundleError("bundle.corrupt")  # a station's range is gapless


# --- applying records ---------------------------------------------------------------------------


def _converters(model):
    """(field, column, converter to the value the driver binds). Bundles carry ISO text; on
    SQLite a datetime is stored as 'YYYY-MM-DD HH:MM:SS' (what sqlite3 makes of a datetime), so
    the text needs only its 'T' replaced; PostgreSQL gets date and datetime objects."""
    sqlite = isinstance(database.obj, pw.SqliteDatabase)
    out = []
    for f in model._meta.sorted_fields:
        if isinstance(f, pw.DateTimeField):
            conv = _sqlite_datetime if sqlite else _to_datetime
        elif isinstance(f, pw.DateField):
            conv = None if sqlite else _to_date
        else:
            conv = None
        out.append((f, f.column_name, conv))
    return out


def _sqlite_datetime(v):
    return v.replace("T", " ") if isinstance(v, str) else v


def _to_datetime(v):
    return datetime.fromisoformat(v) if isinstance(v, str) else v


def _to_date(v):
    return date.fromisoformat(v) if isinstance(v, str) else v


def apply_records(changes, sender: str) -> tuple[int, list]:
    """Write every record whose (rev, hlc) is newer than ours, in bulk, parents first: new ids
    with insert_many, known ones with an UPDATE each (no UPSERT: it would override the conflict
    clauses of triggers such as the search index's). A row of the same id held by another owner
    is never overwritten: the incoming value is kept as a conflict."""
    newest: dict[tuple[str, str], dict] = {}
    for _, table, payload in changes:
        key = (table, payload["id"])
        old = newest.get(key)
        if old is None or (payload["rev"], payload["hlc"]) > (old["rev"], old["hlc"]):
            newest[key] = payload
    by_table: dict[str, list[dict]] = {}
    for (table, _), payload in newest.items():
        by_table.setdefault(table, []).append(payload)
    written, conflicts = 0, []
    for table in sorted(by_table, key=ORDER.__getitem__):
        model = MODELS[table]
        convs = _converters(model)
        fields = [f for f, _, _ in convs]
        # A record that points at another of its table (a correction superseding a visit)
        # must come after it: UUIDv7 ids are in creation order.
        payloads = sorted(by_table[table], key=lambda p: p["id"])
        for i in range(0, len(payloads), CHUNK):
            chunk = payloads[i : i + CHUNK]
            have = _existing(model, [p["id"] for p in chunk])
            inserts = []
            for p in chunk:
                row = tuple(conv(p.get(col)) if conv else p.get(col) for _, col, conv in convs)
                old = have.get(p["id"])
                if old is None:
                    inserts.append(row)
                elif old[2] != p["owner"]:
                    conflicts.append(_conflict(sender, "owner", table, p))
                elif (p["rev"], p["hlc"]) > (old[0], old[1]):
                    model.update(dict(zip(fields[1:], row[1:]))).where(
                        model.id == p["id"]).execute()
                    written += 1
            if inserts:
                _insert(model, fields, inserts)
                written += len(inserts)
    return written, conflicts


def _existing(model, ids: list[str]) -> dict[str, tuple]:
    """id -> (rev, hlc, owner) of the rows we already hold, by one plain query."""
    db = database.obj
    sql = (f'SELECT "id", "rev", "hlc", "owner" FROM "{model._meta.table_name}" '
           f'WHERE "id" IN ({", ".join([db.param] * len(ids))})')
    return {r[0]: r[1:] for r in db.execute_sql(sql, ids).fetchall()}


def _insert(model, fields, rows) -> None:
    """executemany of one prepared INSERT: peewee's insert_many spends most of its time
    building SQL text, the driver binds parameters far faster (SQLite and psycopg alike)."""
    db = database.obj
    cols = ", ".join(f'"{f.column_name}"' for f in fields)
    marks = ", ".join([db.param] * len(fields))
    sql = f'INSERT INTO "{model._meta.table_name}" ({cols}) VALUES ({marks})'
    db.cursor().executemany(sql, rows)  # rows hold driver values already (_converters)


def _conflict(sender: str, kind: str, table: str, payload: dict) -> SyncConflict:
    return SyncConflict.create(node=sender, kind=kind, table_name=table,
                               record_id=payload["id"],
                               detail=json.dumps(payload, ensure_ascii=False, default=str),
                               at=node.utc_now())


# --- seq bookkeeping ----------------------------------------------------------------------------


def _received_digests(peer: SyncPeer, upto: int, start: int) -> dict[int, str]:
    out: dict[int, str] = {}
    q = SyncReceived.select().where(
        (SyncReceived.node == peer.node) & (SyncReceived.incarnation == peer.incarnation)
        & (SyncReceived.last_seq >= start) & (SyncReceived.first_seq <= upto))
    for r in q:
        for i in range(r.last_seq - r.first_seq + 1):
            s = r.first_seq + i
            if start <= s <= upto:
                out[s] = r.digests[16 * i : 16 * (i + 1)]
    return out


def _apply_chain(peer: SyncPeer, o: Opened, data: bytes) -> tuple[str, int, list]:
    """Apply a bundle that follows what was applied, park one that comes after a gap."""
    first, last, ack = o.b.first, o.b.last, peer.acked_seq
    if first > ack + 1:
        old = SyncParked.get_or_none((SyncParked.node == peer.node)
                                     & (SyncParked.incarnation == peer.incarnation)
                                     & (SyncParked.first_seq == first))
        if old is None or old.last_seq < last:
            if old is not None:
                old.delete_instance()
            SyncParked.create(node=peer.node, incarnation=peer.incarnation, first_seq=first,
                              last_seq=last, data=base64.b64encode(data).decode(),
                              received_at=node.utc_now())
        return "parked", 0, []
    from_station = peer.node != HUB
    if from_station:
        # Seqs already applied: the same content is skipped, other content is a fork.
        seen = _received_digests(peer, ack, first)
        for seq, table, payload in o.changes:
            if seq <= ack and seen.get(seq) != bundle.digest(table, payload):
                raise BundleError("bundle.fork", sender=peer.node, seq=seq)
        fresh = [c for c in o.changes if c[0] > ack]
    else:
        # The hub's records are idempotent by (rev, hlc); applying them again changes nothing,
        # and a hub restored from a backup may send numbers this station saw before.
        fresh = o.changes
    if from_station and last <= ack:
        return "duplicate", 0, []
    written, conflicts = apply_records(fresh, peer.node)
    if from_station:
        digests = {seq: bundle.digest(t, p) for seq, t, p in fresh}
        SyncReceived.create(node=peer.node, incarnation=peer.incarnation, first_seq=ack + 1,
                            last_seq=last,
                            digests="".join(digests.get(s, ABSENT) for s in range(ack + 1, last + 1)))
        peer.acked_seq = last
    elif o.b.manifest["clock"] >= peer.their_clock or last > ack:
        peer.acked_seq = last  # from the hub: may go back (a hub restored from a backup)
    return ("applied" if written or last > ack else "duplicate"), written, conflicts


def _unpark(peer: SyncPeer) -> int:
    """Apply parked bundles whose gap is now filled, in order."""
    done = 0
    while True:
        p = (SyncParked.select().where((SyncParked.node == peer.node)
                                       & (SyncParked.incarnation == peer.incarnation)
                                       & (SyncParked.first_seq <= peer.acked_seq + 1))
             .order_by(SyncParked.first_seq).first())
        if p is None:
            return done
        data = base64.b64decode(p.data)
        SyncParked.delete().where((SyncParked.node == p.node)
                                  & (SyncParked.incarnation == p.incarnation)
                                  & (SyncParked.first_seq == p.first_seq)).execute()
        opened, _ = open_bundle(data)
        try:
            with database.atomic():
                status, _, _ = _apply_chain(peer, opened, data)
        except BundleError as exc:
            # A parked bundle that turns out to fork is kept for the administrator.
            SyncConflict.create(node=peer.node, kind="fork", table_name="", record_id="",
                                detail=json.dumps({"key": exc.key, **exc.params,
                                                   "first": p.first_seq, "last": p.last_seq}),
                                at=node.utc_now())
            continue
        done += status == "applied"


def import_bytes(data: bytes, *, reply: bool = True) -> Result:
    """Import one bundle in one transaction; on the hub, also make the answer for its station."""
    opened, peer = open_bundle(data)
    try:
        return _import(opened, peer, data, reply)
    except Exception as exc:
        if _disk_full(exc):
            raise BundleError("bundle.disk_full") from exc
        raise


def _disk_full(exc: BaseException | None) -> bool:
    """SQLite rolls the transaction back itself on SQLITE_FULL, so the error that reaches us
    may be the failed rollback after it: look along the chain."""
    seen = 0
    while exc is not None and seen < 10:
        text = str(exc).lower()
        if "disk is full" in text or "no space left" in text or getattr(exc, "errno", None) == 28:
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def _import(opened: Opened, peer: SyncPeer, data: bytes, reply: bool) -> Result:
    m = opened.b.manifest
    with database.atomic():
        status, written, conflicts = _apply_chain(peer, opened, data)
        unparked = _unpark(peer) if status == "applied" else 0
        newer = m["clock"] >= peer.their_clock
        if newer:
            # Their acknowledgement of our seqs: it may go back (a node restored from a
            # backup), and then our outbox is resent from there.
            peer.their_ack = m["ack"]
            peer.missing = json.dumps(m["missing"]) if m["missing"] else ""
            peer.their_clock = m["clock"]
        skew, flagged = hlc.skewed(m["clock"])
        peer.skew_ms, peer.skew_flagged = skew, flagged
        hlc.receive(m["clock"], trusted=peer.node == HUB)
        peer.last_import_at = node.utc_now()
        node.save_peer(peer)
    result = Result(peer.node, peer.incarnation, status, opened.b.first, opened.b.last, written,
                    unparked, flagged, conflicts=conflicts)
    if reply and node_id() == HUB:
        from sync import exporter

        result.reply = exporter.return_bundle(peer)
    return result
