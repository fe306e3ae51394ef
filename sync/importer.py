"""Bundles in: verify everything before a byte is decrypted or a row is written, then apply the
whole bundle in one transaction; the acknowledgement moves in that same transaction."""

from __future__ import annotations

import base64
import contextlib
import json
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import repeat
from operator import itemgetter
from typing import TypeVar

import peewee as pw

from kjtui.exception import BundleError
from kjtui.models import (
    HUB,
    OWNED_BY_STATION,
    SYNCED,
    Customer,
    Route,
    SyncConflict,
    SyncParked,
    SyncPeer,
    SyncReceived,
    Visit,
    database,
    hlc,
    rule_blocks,
    rules,
)
from kjtui.models.db import serialize_writers
from kjtui.models.journal import node_id
from kjtui.models.migrations import latest
from sync import bundle, crypto, node
from sync.acknowledgements import check_blocks as check_acknowledgements

T = TypeVar("T")

MODELS = {m._meta.table_name: m for m in SYNCED}
ORDER = {m._meta.table_name: i for i, m in enumerate(SYNCED)}  # parents first
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
    held: list = field(default_factory=list)  # records kept with the rule they break
    their_ack: int = 0  # what the sender says it holds of our changes


@dataclass
class Opened:
    b: bundle.Bundle
    blocks: list[bundle.Block]


def check_head(m: dict, signed: bytes, signature: bytes) -> SyncPeer:
    """What a bundle's head alone decides, before a byte of its payload is read: addressed to
    this node, from a known sender that is not revoked, signed by that sender's key (the
    manifest holds the payload's size and hash, so the signature covers the payload too)."""
    me = node_id()
    if m["kind"] == "enroll":
        raise BundleError("bundle.is_enrollment")
    node.keys()  # a hub without keys says so
    if m["recipient"] != me or m["recipient_inc"] != node.incarnation():
        raise BundleError("bundle.not_for_me", recipient=m["recipient"], me=me)
    if m["sender"] == me or (me != HUB and m["sender"] != HUB):
        raise BundleError("bundle.unknown_sender", sender=m["sender"])
    peer = SyncPeer.get_or_none((SyncPeer.node == m["sender"])
                                & (SyncPeer.incarnation == m["sender_inc"]))
    if peer is None:
        raise BundleError("bundle.unknown_sender", sender=m["sender"])
    if peer.revoked:
        raise BundleError("bundle.revoked_sender", sender=m["sender"])
    try:
        crypto.verify(peer.sign_pub, signature, signed)
    except crypto.CryptoFailed as exc:
        raise BundleError("bundle.bad_signature") from exc
    return peer


def open_bundle(data: bytes) -> tuple[Opened, SyncPeer]:
    """Every check that needs no write: size, structure, addressee, a known sender that is not
    revoked (before decrypting), signature, hash, decryption, schema, content."""
    b = bundle.parse(data)
    m = b.manifest
    peer = check_head(m, b.signed, b.signature)
    my_keys = node.keys()
    raw = bundle.open_payload(b, peer.sign_pub, my_keys["kem"])
    b.payload = b""  # opened: the ciphertext is not needed again (the caller keeps the file)
    if m["schema"] > latest():
        raise BundleError("bundle.schema_newer", version=m["schema"], latest=latest())
    blocks = bundle.decode_blocks(raw, m["sender"], b.first - 1, 0)
    del raw  # the JSON lines are blocks now
    _check_content(m, blocks)
    return Opened(b, blocks), peer


def _check_content(m: dict, blocks: list[bundle.Block]) -> None:
    """The bundle's structure. Who may write which record is decided record by record when it
    is applied (a record that breaks a rule is held, never the whole bundle)."""
    counts: dict[str, int] = {}
    seqs: list[int] = []
    sender, first, last = m["sender"], m["seq"][0], m["seq"][1]
    for blk in blocks:
        counts[blk.table] = counts.get(blk.table, 0) + blk.n
        if blk.seqs is not None:
            seqs.extend(blk.seqs)
        elif sender != HUB:
            raise BundleError("bundle.corrupt")  # a station sends its journal, nothing else
    seqs.sort()
    if seqs and (seqs[0] < first or seqs[-1] > last or len(set(seqs)) != len(seqs)):
        raise BundleError("bundle.corrupt")
    if counts != m["counts"] or sum(counts.values()) != m["lines"]:
        raise BundleError("bundle.corrupt")
    if sender != HUB and len(seqs) != last - first + 1:
        raise BundleError("bundle.corrupt")  # a station's range is gapless


# --- applying records ---------------------------------------------------------------------------
#
# Records are checked one by one, in the sender's causal order (its journal's seq; context rows,
# parents first, before them), each against the database as the records before it left it: the
# rules of kjtui.models.rules for a station's records at the hub, "only county records, and
# context of my own" for the hub's at a station. A record that breaks a rule is held, with its
# reason; the others are written, table by table, parents first and each table in seq order (a
# foreign key points only to an earlier table or to an earlier record of its own table, so this
# order writes what the seq order would). Should the database still refuse a row the rules did
# not foresee, that table is written again row by row, each in a savepoint, and the row refused
# is held too: no record can abort the bundle.


@dataclass
class Held:
    rec: rules.Rec
    why: rules.Violation


@dataclass
class Applied:
    written: int = 0
    held: list[Held] = field(default_factory=list)
    skipped: int = 0  # the same record again (a resend)


def _records(blocks: list[bundle.Block]) -> list[rules.Rec]:
    """Every row as a record, context first (parents first), then in seq order."""
    context, changes = [], []
    for blk in blocks:
        if not blk.n:
            continue
        model = MODELS[blk.table]
        index = _index(blk.table)
        if index.keys() != blk.cols.keys():  # decode_blocks gives every column: a test's blocks
            index = {c: i for i, c in enumerate(blk.cols)}
        rows = zip(*(blk.cols[c] for c in index))
        bad = rules.malformed_rows(model, blk.cols)
        Row, Rec = rules.Row, rules.Rec
        if blk.seqs is None:
            recs = [Rec(model, Row(index, r)) for r in rows]
            context.extend((ORDER[blk.table], i, r) for i, r in enumerate(recs))
        else:
            recs = [Rec(model, Row(index, r), seq=q) for q, r in zip(blk.seqs, rows)]
            changes.extend(recs)
        for i, r in enumerate(recs):
            r.well_formed = i not in bad
    context.sort(key=itemgetter(0, 1))
    changes.sort(key=_SEQ)
    return [r for _, _, r in context] + changes


_INDEX: dict[str, dict[str, int]] = {}


def _index(table: str) -> dict[str, int]:
    """A table's columns in the order rows are bound: one dict shared by its records' rows, so
    that their tuples go to the driver as they are (rules.Row.in_order)."""
    if table not in _INDEX:
        _INDEX[table] = {c: i for i, c in enumerate(bundle.columns(table))}
    return _INDEX[table]


def _SEQ(rec: rules.Rec) -> int:
    return rec.seq


def _prefetch(view: rules.View, recs: list[rules.Rec]) -> None:
    """Load in a few queries what the rules will ask of these records."""
    by_model: dict[type, list[rules.Rec]] = {}
    for rec in recs:
        by_model.setdefault(rec.model, []).append(rec)
    own: dict[type, set[str]] = {}
    refs: dict[type, set[str]] = {}
    uniq: dict[tuple[type, tuple[str, ...]], set[tuple]] = {}
    for model, group in by_model.items():  # column by column: a year is tens of thousands
        cols = rules.value_columns(group)
        own[model] = set(cols["id"])
        for f in model._meta.refs:
            refs.setdefault(f.rel_model, set()).update(
                v for v in cols.get(f.column_name, ()) if v.__class__ is str)
        for names in rules.unique_indexes(model):
            if any(c not in cols for c in names):
                continue
            values = [cols[c] for c in names]
            keys = uniq.setdefault((model, names), set())
            if all(set(map(type, v)) <= _KEY_TYPES for v in values):  # no None: C speed
                keys.update(zip(*values))
            else:
                keys.update(k for k in zip(*values)
                            if None not in k and all(isinstance(x, (str, int)) for x in k))
    for model, ids in (*own.items(), *refs.items()):
        view.prefetch(model, ids)
        view.prefetch_held(model, ids)
    visits = own.get(Visit, set()) | refs.get(Visit, set())
    if visits:
        view.prefetch_acks(visits)
    for model in (Customer, Route):
        if refs.get(model):
            view.prefetch_reach(model, refs[model])
    for (model, cols), keys in uniq.items():
        view.prefetch_unique(model, cols, keys)


_KEY_TYPES = {str, int}  # what a unique key's values may be


def _from_hub(view: rules.View, rec: rules.Rec, me: str) -> rules.Violation | None:
    """What a station takes from the hub: county records the hub owns, and its own records
    (context: what the hub holds of them, or one the county handed to it)."""
    owner = rec.values.get("owner")
    if rec.model in OWNED_BY_STATION:
        ok = rec.seq is None and owner == me
    else:
        ok = owner == HUB
    if not ok:
        return rules.Violation("write.not_owner", {"kind": rec.kind, "owner": owner})
    old = rec.old
    if old is not None and old["owner"] != owner:
        return rules.Violation("write.not_owner", {"kind": rec.kind, "owner": old["owner"]})
    return None


def _newer(rec: rules.Rec) -> bool:
    old, rev, stamp = rec.old, rec.values.get("rev"), rec.values.get("hlc")
    if not (rev.__class__ is int and stamp.__class__ is int):
        return True  # not a revision at all: written, the database refuses it, it is held
    return (rev, stamp) > (old["rev"], old["hlc"])


def check_records(recs: list[rules.Rec], sender: str, view: rules.View | None = None,
                  overridden: frozenset[str] = frozenset()) -> tuple[list[rules.Rec], Applied]:
    """Decide record by record, in order: written (returned), held, or the same again."""
    me = node_id()
    view = view or rules.View(sender)
    _prefetch(view, recs)
    marks = rule_blocks.passing(view, recs) if sender != HUB else repeat(None)
    out, result = [], Applied()
    for rec, parents in zip(recs, marks):
        rec.old = view.row(rec.model, rec.id)
        if parents is not None and not (parents and view.any_held_here(parents)):
            why = rules.check(view, rec, overridden=overridden, decided=rule_blocks.DECIDED)
        elif sender == HUB:
            why = _from_hub(view, rec, me)
            if why is None and rec.old is not None and not _newer(rec):
                result.skipped += 1
                continue
        else:
            old, rev = rec.old, rec.values.get("rev", 0)
            if (old is not None and old["owner"] == rec.values.get("owner")
                    and rev.__class__ is int and rev <= old["rev"]
                    and rules.same_content(old, rec.values)):
                result.skipped += 1  # what the hub holds already
                continue
            why = rules.check(view, rec, overridden=overridden)
        if why is None:
            view.accept(rec)
            out.append(rec)
        else:
            view.hold(rec)
            result.held.append(Held(rec, why))
    return out, result


def apply_records(blocks: list[bundle.Block], sender: str, peer: SyncPeer | None = None,
                  *, recs: list[rules.Rec] | None = None,
                  view: rules.View | None = None) -> tuple[int, list[Held]]:
    """Check and write the records of `blocks` (or `recs`) in `view` (new: the database as it
    is). Returns (records written, held). Held records are kept: at the hub in HeldRecord (with
    the station's seq, travelling back to it), at a station in SyncConflict."""
    recs = _records(blocks) if recs is None else recs
    view = view or rules.View(sender)
    ok, result = check_records(recs, sender, view)
    final: dict[str, dict[str, rules.Rec]] = {}
    for rec in ok:  # a record changed twice in the bundle: its last version is written
        final.setdefault(rec.table, {})[rec.id] = rec
    written = 0
    for table in sorted(final, key=ORDER.__getitem__):
        recs_ = list(final[table].values())
        recs_.sort(key=_seq_or_zero)
        written += _write(MODELS[table], recs_, view, result)
    _keep_held(result.held, sender, peer)
    if sender != HUB and node_id() == HUB:
        _supersede_held(sender, [r for t in final.values() for r in t.values()], view)
    return written, result.held


def apply_one(rec: rules.Rec, sender: str,
              overridden: frozenset[str] = frozenset()) -> rules.Violation | None:
    """One record held before, checked again and written now (an administrator's decision):
    the rule it still breaks, or None when it was written."""
    view = rules.View(sender)
    ok, result = check_records([rec], sender, view, overridden)
    if result.held:
        return result.held[0].why
    for r in ok:
        _write(r.model, [r], view, result)
    return result.held[0].why if result.held else None


def _supersede_held(sender: str, written: list[rules.Rec], view: rules.View) -> None:
    """A newer revision of a record held before was written: the held one is superseded (and
    its station hears so), not left waiting for a decision nobody needs to take."""
    from kjtui.models import HeldRecord, journal

    maybe = [r for r in written if view.held(r.model, r.id)]
    now = datetime.now().replace(microsecond=0)
    for r in maybe:
        for h in HeldRecord.select().where(
                (HeldRecord.station == sender) & (HeldRecord.state == "held")
                & (HeldRecord.table_name == r.table) & (HeldRecord.record_id == r.id)
                & (HeldRecord.record_rev < r.values["rev"])):
            journal.update(h, state="superseded", decided_at=now)


def _seq_or_zero(rec: rules.Rec) -> int:
    return rec.seq or 0


def _write(model, recs: list[rules.Rec], view: rules.View, result: Applied) -> int:
    """Insert the new, update the known; should the database refuse, row by row."""
    db = database.obj
    cols = bundle.columns(model._meta.table_name)
    inserts, updates = [], []
    for r in recs:
        (inserts if view.db_row(model, r.id) is None else updates).append(r)
    try:
        with db.atomic():
            _execute(model, cols, inserts, updates)
        return len(recs)
    except (pw.IntegrityError, pw.DataError, pw.ProgrammingError) as exc:
        if _disk_full(exc):
            raise
    written = 0
    for r in recs:
        new = view.db_row(model, r.id) is None
        try:
            with db.atomic():
                _execute(model, cols, [r] if new else [], [] if new else [r])
            written += 1
        except (pw.IntegrityError, pw.DataError, pw.ProgrammingError) as exc:
            if _disk_full(exc):
                raise
            parent = next((f.rel_model.__name__ for f in model._meta.refs
                           if isinstance(r.values.get(f.column_name), str)
                           and view.held(f.rel_model, r.values[f.column_name])), None)
            why = (rules.Violation("write.parent_held", {"kind": r.kind, "target": parent})
                   if parent else rules.Violation(
                       "write.database", {"kind": r.kind, "reason": _first_line(exc)}))
            view.hold(r)
            result.held.append(Held(r, why))
    return written


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:200]


def _execute(model, cols: list[str], inserts: list[rules.Rec], updates: list[rules.Rec]) -> None:
    db = database.obj
    q = f'"{model._meta.table_name}"'
    with pw.__exception_wrapper__:
        if inserts:
            names = ", ".join(f'"{c}"' for c in cols)
            if isinstance(db, pw.PostgresqlDatabase):
                # COPY: a station's year in one stream, not a round trip a row; foreign keys
                # and triggers hold as for an INSERT, and a row refused fails it all (then
                # _write goes row by row).
                with db.cursor().copy(f"COPY {q} ({names}) FROM STDIN") as copy:
                    for row in _bind(model, cols, inserts):
                        copy.write_row(row)
            else:
                marks = ", ".join([db.param] * len(cols))
                db.cursor().executemany(f"INSERT INTO {q} ({names}) VALUES ({marks})",
                                        _bind(model, cols, inserts))
        if updates:
            sets = ", ".join(f'"{c}" = {db.param}' for c in cols[1:])
            db.cursor().executemany(f'UPDATE {q} SET {sets} WHERE "id" = {db.param}',
                                    [r[1:] + r[:1] for r in _bind(model, cols, updates)])


def _bind(model, cols: list[str], recs: list[rules.Rec]) -> list[tuple]:
    """Rows as the tuples the driver binds (in the order of `cols`, the table's columns),
    the columns that need it converted whole."""
    index = _index(model._meta.table_name)
    rows = [r.values.in_order(index) if r.values.__class__ is rules.Row
            else tuple(map(r.values.get, cols)) for r in recs]
    convs = [(i, conv) for i, conv in enumerate(_converters(model)) if conv is not None]
    if not convs or not rows:
        return rows
    columns_ = list(zip(*rows))
    for i, conv in convs:
        columns_[i] = conv(columns_[i])
    return list(zip(*columns_))


def _keep_held(held: list[Held], sender: str, peer: SyncPeer | None) -> None:
    if not held:
        return
    if sender == HUB or node_id() != HUB:
        for h in held:
            SyncConflict.create(node=sender, kind="refused", table_name=h.rec.table,
                                record_id=h.rec.id,
                                detail=json.dumps({"key": h.why.key, "params": h.why.params,
                                                   "record": dict(h.rec.values)},
                                                  ensure_ascii=False,
                                                  default=str),
                                at=node.utc_now())
        return
    from kjtui.models import HeldRecord, journal

    now = datetime.now().replace(microsecond=0)
    for h in held:
        journal.create(HeldRecord, station=sender, incarnation=peer.incarnation if peer else 0,
                       seq=h.rec.seq or 0, table_name=h.rec.table, record_id=h.rec.id,
                       record_rev=_small(h.rec.values.get("rev")),
                       reason=h.why.key, params=rules.held_json(h.why.params),
                       incoming=rules.held_json(h.rec.values),
                       current=rules.held_json(h.rec.old) if h.rec.old else "", held_at=now)


def _small(v) -> int:
    """A revision as the held record keeps it (a forged one may be anything)."""
    return v if v.__class__ is int and 0 <= v < 2**31 else -1


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


def _news(peer: SyncPeer, clock: int) -> bool:
    """The bundle was made after the last one we took news from (its ack, its missing ranges):
    by its sender's clock, or, when the last one came from a clock flagged as wrong and this
    one's is right, after that clock was set right (a laptop once set to 2036)."""
    return clock >= peer.their_clock or (peer.skew_flagged and not hlc.skewed(clock)[1])


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
    view = rules.View(peer.node)
    written, held = apply_records(blocks, peer.node, peer, view=view)
    if from_station:  # PIN proofs: a failure is marked on the hub, never refused (issue 9)
        check_acknowledgements(blocks, view, held)
    if from_station:
        digests = {}
        for blk in blocks:
            digests.update(zip(blk.seqs, blk.digests()))
        seqs = range(ack + 1, last + 1)
        SyncReceived.create(node=peer.node, incarnation=peer.incarnation, first_seq=ack + 1,
                            last_seq=last, digests="".join(digests.get(s, ABSENT) for s in seqs))
        peer.acked_seq = last
    elif _news(peer, o.b.manifest["clock"]) or last > ack:
        peer.acked_seq = last  # from the hub: may go back (a hub restored from a backup)
    return ("applied" if written or held or last > ack else "duplicate"), written, held


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
        try:
            opened, _ = open_bundle(data)
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
    return _import_opened(open_bundle(data), data, reply)


def _import_opened(opened: tuple[Opened, SyncPeer], data: bytes, reply: bool) -> Result:
    try:
        return _import(*opened, data, reply)
    except Exception as exc:
        if _disk_full(exc):
            raise BundleError("bundle.disk_full") from exc
        raise


def import_each(items: Iterable[T], read: Callable[[T], bytes]) -> Iterator[
        tuple[T, bytes | None, Result | Exception]]:
    """Import many bundles (a sync day's stick, a county's year), each as import_bytes does and
    without answers, yielding (item, its bytes or None, its Result or the exception it raised).
    While one is written, the next is read, decrypted and parsed in a thread: the database's
    work and Python's overlap (opening needs nothing the bundle before it writes)."""

    def opening(item: T):
        data = None
        try:
            data = read(item)
            return data, open_bundle(data)
        except Exception as exc:
            return data, exc

    with ThreadPoolExecutor(1, thread_name_prefix="kjtui-open") as ahead:
        try:
            items = iter(items)
            nxt = next(items, _END)
            pending = ahead.submit(opening, nxt) if nxt is not _END else None
            while pending is not None:
                item, (data, opened) = nxt, pending.result()
                nxt = next(items, _END)
                pending = ahead.submit(opening, nxt) if nxt is not _END else None
                if isinstance(opened, Exception):
                    yield item, data, opened
                    continue
                try:
                    result = _import_opened(opened, data, False)
                except Exception as exc:
                    yield item, data, exc
                else:
                    yield item, data, result
        finally:
            ahead.submit(database.obj.close).result()  # the thread's own connection


_END = object()


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


def write_transaction():
    """One transaction that writes: on SQLite it takes the write lock at its start (BEGIN
    IMMEDIATE), so a second import waits its turn (busy_timeout) instead of failing "database is
    locked" when its read turns into a write; on PostgreSQL an ordinary transaction."""
    db = database.obj
    if isinstance(db, pw.SqliteDatabase):
        return db.atomic(lock_type="IMMEDIATE")
    return _serialized(db)


@contextlib.contextmanager
def _serialized(db):
    """On PostgreSQL, several hub processes import at once: each import's transaction takes the
    writers' advisory lock first (kjtui.models.db.serialize_writers), so the database decides
    who applies a station's seqs and in which order; decrypting and parsing the next bundle,
    done before, runs in parallel."""
    with db.atomic():
        serialize_writers()
        yield


def _import(opened: Opened, peer: SyncPeer, data: bytes, reply: bool) -> Result:
    m = opened.b.manifest
    with write_transaction():
        query = SyncPeer.select().where((SyncPeer.node == peer.node)
                                        & (SyncPeer.incarnation == peer.incarnation))
        if isinstance(database.obj, pw.PostgresqlDatabase):
            query = query.for_update()  # and held to the commit
        peer = query.get()  # read under the lock
        status, written, held = _apply_chain(peer, opened, data)
        unparked = _unpark(peer) if status == "applied" else 0
        newer = _news(peer, m["clock"])
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
                    unparked, flagged, held=held, their_ack=peer.their_ack)
    if reply and node_id() == HUB:
        from sync import exporter

        result.reply = exporter.return_bundle(peer)
    return result
