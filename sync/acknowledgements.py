"""The hub's check of the customers' acknowledgements a station sends (docs/ACKNOWLEDGEMENT.md).

One rule, `kjtui.models.pins.verify_acknowledgement(ack, visit, secret)`: each PIN
acknowledgement's proof is checked against the customer's verifier, which only the hub can open.
A proof that fails never stops the bundle: the visit and its acknowledgement are applied like
any record, the hub writes a failed verdict (kjtui.models.hub_pins), and the spot-check sample
takes that visit first. The importer calls `check_blocks` once, after applying a station's
records: the acknowledgements it brought are checked, and so are those of the visits it changed
(a visit altered after the customer acknowledged it no longer matches its proof).
"""

from __future__ import annotations

import json
from datetime import datetime

import peewee as pw

from kjtui.models import HUB, Acknowledgement, HeldRecord, Visit, database, hub_pins, rules
from kjtui.models.db import among, in_chunks, one_of
from kjtui.models.journal import node_id, to_payload
from kjtui.models.pins import ChainKeys, verify_acknowledgement
from sync import bundle, node


def head_proof(ack_id: str, station: str) -> str | None:
    """The proof of `station`'s acknowledgement that starts a chain of proofs, as the hub holds
    it: the acknowledgement itself, or the station's record a rule held (the chain's later
    proofs do not depend on the county's decision about its first). Only that station's: no
    other can put a first proof under a chain of its."""
    proof = Acknowledgement.select(Acknowledgement.proof).where(
        (Acknowledgement.id == ack_id) & (Acknowledgement.owner == station)).scalar()
    if proof:
        return proof
    for (incoming,) in HeldRecord.select(HeldRecord.incoming).where(
            (HeldRecord.table_name == "acknowledgement") & (HeldRecord.record_id == ack_id)
            & (HeldRecord.station == station)
    ).order_by(HeldRecord.held_at.desc()).tuples():
        try:
            proof = json.loads(incoming).get("proof")
        except (ValueError, AttributeError):
            continue
        if isinstance(proof, str) and proof:
            return proof
    return None


def check_acknowledgements(ack_ids, kem_private: str) -> dict[str, tuple[str, str | None]]:
    """Check these PIN acknowledgements as the hub now holds them against their visits.
    Returns {ack id: (visit id, None when it passed or the catalog key of why it failed)}."""
    out: dict[str, tuple[str, str | None]] = {}
    secrets: dict[str, object] = {}
    chains: dict[str, ChainKeys] = {}  # a station's chains, each station's own
    for chunk in in_chunks(database.obj, sorted(ack_ids)):
        acks = list(Acknowledgement.select().where(
            among(Acknowledgement.id, chunk) & (Acknowledgement.method == "pin")))
        visits = {v.id: v for v in Visit.select().where(
            among(Visit.id, [a.visit_id for a in acks]))} if acks else {}
        for ack in acks:
            visit = visits.get(ack.visit_id)
            if not (ack.proof and ack.pin_id) or visit is None:
                out[ack.id] = (ack.visit_id, "ackcheck.no_proof")
                continue
            if ack.pin_id not in secrets:
                secrets[ack.pin_id] = hub_pins.secret(ack.pin_id, kem_private)
            if ack.owner not in chains:
                chains[ack.owner] = ChainKeys(
                    kem_private, lambda head, station=ack.owner: head_proof(head, station))
            out[ack.id] = (visit.id, verify_acknowledgement(
                to_payload(ack), to_payload(visit), secrets[ack.pin_id], chains[ack.owner]))
    return out


def record(verdicts: dict[str, tuple[str, str | None]], new: set[str] = frozenset()) -> None:
    """Write the verdicts in one statement (a year's import carries thousands): on PostgreSQL
    those of acknowledgements `new` to the hub by COPY (they can have no verdict yet), the
    others as one array a column, not a round trip a row."""
    if not verdicts:
        return
    db = database.obj
    at = datetime.now().replace(microsecond=0)
    rows = [(a, v, r is None, r or "") for a, (v, r) in verdicts.items()]
    upsert = ('ON CONFLICT ("ack_id") DO UPDATE SET "visit_id" = excluded."visit_id", '
              '"passed" = excluded."passed", "reason" = excluded."reason", '
              '"checked_at" = excluded."checked_at"')
    names = '"ack_id", "visit_id", "passed", "reason", "checked_at"'
    if isinstance(db, pw.PostgresqlDatabase):
        if new:
            with pw.__exception_wrapper__, db.cursor().copy(
                    f'COPY "ack_verdict" ({names}) FROM STDIN') as copy:
                for row in rows:
                    if row[0] in new:
                        copy.write_row((*row, at))
            rows = [row for row in rows if row[0] not in new]
            if not rows:
                return
        ack, visit, passed, reason = (list(c) for c in zip(*rows))
        db.execute_sql(f'INSERT INTO "ack_verdict" ({names}) SELECT *, %s FROM '
                       'unnest(%b::text[], %b::text[], %b::boolean[], %b::text[]) ' + upsert,
                       (at, ack, visit, passed, reason))
        return
    db.cursor().executemany(f'INSERT INTO "ack_verdict" ({names}) VALUES (?, ?, ?, ?, ?) '
                            + upsert, [(*r, at.isoformat(" ")) for r in rows])


def _acks_where(column: str, values: list[str], more: str = "") -> set[str]:
    """The ids of the acknowledgements whose `column` is one of `values` (plain SQL: a year's
    import asks about tens of thousands)."""
    db, out = database.obj, set()
    for chunk in in_chunks(db, values):
        where, params = one_of(db, column, chunk)
        out.update(a for (a,) in db.execute_sql(
            f'SELECT "id" FROM "acknowledgement" WHERE {where} {more}', params).fetchall())
    return out


def check_blocks(blocks: list[bundle.Block], before: rules.View | None = None,
                 held=()) -> dict[str, tuple[str, str | None]]:
    """On the hub, after a station's records were applied: check the PIN acknowledgements among
    them and those of the visits among them, and record the verdicts. Returns them. `before`:
    the view the records were checked in (the database before them) and `held`, the records it
    held: they answer which visits are changes and which acknowledgements are not written
    without asking the database again."""
    if node_id() != HUB:
        return {}
    verdicts: dict[str, tuple[str, str | None]] = {}
    to_check: set[str] = set()
    for blk in blocks:
        if blk.table != "acknowledgement":
            continue
        c = blk.cols
        for ack_id, visit_id, method, pin_id, proof in zip(
                c["id"], c["visit_id"], c["method"], c["pin_id"], c["proof"]):
            if method != "pin":
                continue
            if proof and pin_id:
                to_check.add(ack_id)
            else:  # a PIN acknowledgement without a proof: an older release, or altered
                verdicts[ack_id] = (visit_id, "ackcheck.no_proof")
    visit_ids = [v for blk in blocks if blk.table == "visit" for v in blk.cols["id"]]
    if before is not None:  # a visit new to the hub has no acknowledgement but the bundle's
        visit_ids = [v for v in visit_ids if before.db_row(Visit, v) is not None]
    # a visit changed after it was acknowledged
    to_check.update(_acks_where('"visit_id"', visit_ids, "AND \"method\" = 'pin' AND \"proof\" <> ''"))
    if to_check:
        verdicts.update(check_acknowledgements(to_check, node.keys()["kem"]))
    # An acknowledgement the rules held is not at the hub: it waits for a decision, unjudged.
    new: set[str] = set()
    if before is None:
        applied = _acks_where('"id"', list(verdicts))
    else:  # held, and not held before either: not in the database
        held_ids = {h.rec.id for h in held if h.rec.model is Acknowledgement}
        new = {a for a in verdicts if before.known_absent(Acknowledgement, a)}
        applied = set(verdicts) - (new & held_ids)
        new -= held_ids  # written by this bundle: the hub has no verdict on it yet
    verdicts = {a: v for a, v in verdicts.items() if a in applied}
    record(verdicts, new)
    return verdicts
