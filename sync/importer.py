"""Bundles in: verify everything before a byte is decrypted or a row is written, then apply the
whole bundle in one transaction; the acknowledgement moves in that same transaction."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import itemgetter

import peewee as pw

from kjtui.exception import BundleError
from kjtui.models import (
    HUB,
    OWNED_BY_STATION,
    SYNCED,
    SyncConflict,
    SyncParked,
    SyncPeer,
    SyncReceived,
    database,
    hlc,
)
from kjtui.models.journal import node_id
from kjtui.models.migrations import latest
from sync import bundle, node
from sync.acknowledgements import check_blocks as check_acknowledgements

MODELS = {m._meta.table_name: m for m in SYNCED}
ORDER = {m._meta.table_name: i for i, m in enumerate(SYNCED)}  # parents first
STATION_TABLES = {m._meta.table_name for m in OWNED_BY_STATION}
CHUNK = 400  # rows per INSERT: stays under SQLite's variable limit for the widest table
ABSENT = "-" * 16  # a seq of the hub's journal that was not for this station


@dataclass
class Result:
    sender: str
    incarnation: int
    status: str  # applied | parked | duplicate | acknowledged
    first: int
    last: int
    changes: int = 0  # records written (inserted or newer)
    unparked: int = 0  # parked bundles applied after this one filled their gap
    skew_flagged: bool = False
    reply: tuple[str, bytes] | None = None
    conflicts: list = field(default_factory=list)
    their_ack: int = 0  # what the sender says it holds of our changes


@dataclass
class Opened:
    b: bundle.Bundle
    blocks: list[bundle.Block]


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
    blocks = bundle.decode_blocks(raw, m["sender"], b.first - 1, 0)
    _check_content(m, blocks)
    return Opened(b, blocks), peer


def _check_content(m: dict, blocks: list[bundle.Block]) -> None:
    counts: dict[str, int] = {}
    seqs: list[int] = []
    sender, first, last = m["sender"], m["seq"][0], m["seq"][1]
    for blk in blocks:
        table, owners = blk.table, set(blk.cols["owner"])
        counts[table] = counts.get(table, 0) + blk.n
        if blk.seqs is not None:
            seqs.extend(blk.seqs)
        # Never a record from a node that may not write it: a station sends only its own
        # notebook, the hub only county records (plus, as context, the station's own).
        if sender != HUB:
            ok = blk.seqs is not None and table in STATION_TABLES and owners <= {sender}
        elif blk.seqs is not None:
            ok = table not in STATION_TABLES and owners <= {HUB}
        else:
            ok = table not in STATION_TABLES or owners <= {m["recipient"]}
        if not ok:
            raise BundleError("bundle.not_owner", sender=sender, table=table)
    seqs.sort()
    if seqs and (seqs[0] < first or seqs[-1] > last or len(set(seqs)) != len(seqs)):
        raise BundleError("bundle.corrupt")
    if counts != m["counts"] or sum(counts.values()) != m["lines"]:
        raise BundleError("bundle.corrupt")
    if sender != HUB and len(seqs) != last - first + 1:
        raise BundleError("bundle.corrupt")  # a station's range is gapless


# --- applying records ---------------------------------------------------------------------------


def _converters(model) -> list:
    """Per column, a converter of a whole column to the values the driver binds, or None.
    Bundles carry ISO text; on SQLite a datetime is stored as 'YYYY-MM-DD HH:MM:SS' (what
    sqlite3 makes of a datetime), so the text needs only its 'T' replaced; PostgreSQL gets date
    and datetime objects. Everything else (text, ints, bools, floats) binds as it came."""
    sqlite = isinstance(database.obj, pw.SqliteDatabase)
    out = []
    for f in model._meta.sorted_fields:
        if isinstance(f, pw.DateTimeField):
            out.append(_sqlite_datetimes if sqlite else _datetimes)
        elif isinstance(f, pw.DateField) and not sqlite:
            out.append(_dates)
        else:
            out.append(None)
    return out


def _sqlite_datetimes(col: list) -> list:
    return [v.replace("T", " ") if v.__class__ is str else v for v in col]


def _datetimes(col: list) -> list:
    return [datetime.fromisoformat(v) if v.__class__ is str else v for v in col]


def _dates(col: list) -> list:
    return [date.fromisoformat(v) if v.__class__ is str else v for v in col]


def apply_records(blocks: list[bundle.Block], sender: str) -> tuple[int, list]:
    """Write every record whose (rev, hlc) is newer than ours, in bulk, parents first: new ids
    by one executemany of an INSERT, known ones by one of an UPDATE. A row of the same
    id held by another owner is never overwritten: the incoming value is kept as a conflict.
    Rows are built column by column into tuples of the values the driver binds: no dict and
    no model instance per row."""
    by_table: dict[str, list[bundle.Block]] = {}
    for blk in blocks:
        if blk.n:
            by_table.setdefault(blk.table, []).append(blk)
    written, conflicts = 0, []
    db = database.obj
    for table in sorted(by_table, key=ORDER.__getitem__):
        model, blks, cols = MODELS[table], by_table[table], bundle.columns(table)
        rev, clock, owner = cols.index("rev"), cols.index("hlc"), cols.index("owner")
        columns_ = [[v for blk in blks for v in blk.cols[c]] if len(blks) > 1
                    else blks[0].cols[c] for c in cols]
        for i, conv in enumerate(_converters(model)):
            if conv is not None:
                columns_[i] = conv(columns_[i])
        rows = list(zip(*columns_))
        newest = dict(zip(columns_[0], rows))
        if len(newest) != len(rows):  # one record changed twice in the bundle: the newest wins
            newest = {}
            for r in rows:
                old = newest.get(r[0])
                if old is None or (r[rev], r[clock]) > (old[rev], old[clock]):
                    newest[r[0]] = r
            rows = list(newest.values())
        # A record that points at another of its table (a correction superseding a visit)
        # must come after it: UUIDv7 ids are in creation order.
        rows.sort(key=_ID)
        # New ids go in at once; ON CONFLICT leaves rows we hold alone (DO NOTHING is no OR
        # clause, so the triggers keep their own conflict clauses). When the count says some
        # were there, those are compared with what we hold: the just-inserted match exactly.
        q = f'"{table}"'
        names = ", ".join(f'"{c}"' for c in cols)
        marks = ", ".join([db.param] * len(cols))
        cur = db.cursor()
        cur.executemany(f'INSERT INTO {q} ({names}) VALUES ({marks}) '
                        f'ON CONFLICT ("id") DO NOTHING', rows)
        written += cur.rowcount
        if cur.rowcount == len(rows):
            continue
        have = _existing(model, list(newest))
        updates = []
        for r in rows:
            old = have[r[0]]
            if old[2] != r[owner]:
                conflicts.append(_conflict(sender, "owner", table, dict(zip(cols, r))))
            elif (r[rev], r[clock]) > (old[0], old[1]):
                updates.append(r[1:] + r[:1])
        if updates:
            sets = ", ".join(f'"{c}" = {db.param}' for c in cols[1:])
            db.cursor().executemany(f'UPDATE {q} SET {sets} WHERE "id" = {db.param}', updates)
        written += len(updates)
    return written, conflicts


_ID = itemgetter(0)


def _existing(model, ids: list[str]) -> dict[str, tuple]:
    """id -> (rev, hlc, owner) of the rows we already hold, by one plain query a chunk."""
    db = database.obj
    out = {}
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i : i + CHUNK]
        sql = (f'SELECT "id", "rev", "hlc", "owner" FROM "{model._meta.table_name}" '
               f'WHERE "id" IN ({", ".join([db.param] * len(chunk))})')
        out.update((r[0], r[1:]) for r in db.execute_sql(sql, chunk).fetchall())
    return out


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
    if from_station and last <= ack:
        _check_fork(peer, o, ack)
        return "duplicate", 0, []
    blocks = o.blocks
    if from_station and first <= ack:
        _check_fork(peer, o, ack)
        blocks = [_after(blk, ack) for blk in blocks]
    # (The hub's records are idempotent by (rev, hlc): applied again they change nothing, and a
    # hub restored from a backup may send numbers this station saw before.)
    written, conflicts = apply_records(blocks, peer.node)
    if from_station:  # PIN proofs: a failure is marked on the hub, never refused (issue 9)
        check_acknowledgements(blocks)
    if from_station:
        digests = {}
        for blk in blocks:
            digests.update(zip(blk.seqs, blk.digests()))
        seqs = range(ack + 1, last + 1)
        SyncReceived.create(node=peer.node, incarnation=peer.incarnation, first_seq=ack + 1,
                            last_seq=last, digests="".join(digests.get(s, ABSENT) for s in seqs))
        peer.acked_seq = last
    elif o.b.manifest["clock"] >= peer.their_clock or last > ack:
        peer.acked_seq = last  # from the hub: may go back (a hub restored from a backup)
    return ("applied" if written or last > ack else "duplicate"), written, conflicts


def _check_fork(peer: SyncPeer, o: Opened, ack: int) -> None:
    """Seqs already applied: the same content is skipped, other content is a fork."""
    seen = _received_digests(peer, ack, o.b.first)
    for blk in o.blocks:
        for i, (seq, d) in enumerate(zip(blk.seqs, blk.digests())):
            if seq <= ack and seen.get(seq) != d and seen.get(seq) != bundle.legacy_digest(
                    blk.table, blk.payload(i)):
                raise BundleError("bundle.fork", sender=peer.node, seq=seq)


def _after(blk: bundle.Block, ack: int) -> bundle.Block:
    """The rows of a block with seqs after `ack` (a resend that overlaps what was applied)."""
    keep = [i for i, s in enumerate(blk.seqs) if s > ack]
    return bundle.Block(blk.table, [blk.seqs[i] for i in keep],
                        {c: [v[i] for i in keep] for c, v in blk.cols.items()})


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
        if status == "duplicate" and newer and m["ack"] != peer.their_ack:
            status = "acknowledged"  # no new records, but news of what they hold of ours
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
                    unparked, flagged, conflicts=conflicts, their_ack=peer.their_ack)
    if reply and node_id() == HUB:
        from sync import exporter

        result.reply = exporter.return_bundle(peer)
    return result
