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

from datetime import datetime

from kjtui.models import HUB, Acknowledgement, AckVerdict, Visit, hub_pins
from kjtui.models.journal import node_id, to_payload
from kjtui.models.pins import verify_acknowledgement
from sync import bundle, node

CHUNK = 400


def check_acknowledgements(ack_ids: list[str], kem_private: str) -> dict[str, str | None]:
    """Check these PIN acknowledgements as the hub now holds them, against their visits, and
    record the verdicts. Returns {ack id: None (passed) or the catalog key of why it failed}."""
    out: dict[str, str | None] = {}
    secrets: dict[str, object] = {}
    for i in range(0, len(ack_ids), CHUNK):
        acks = list(Acknowledgement.select().where(
            Acknowledgement.id.in_(ack_ids[i : i + CHUNK]) & (Acknowledgement.method == "pin")))
        with_proof = {a.id: a.visit_id for a in acks if a.proof and a.pin_id}
        visits = {v.id: v for v in Visit.select().where(
            Visit.id.in_(list(with_proof.values())))} if with_proof else {}
        for ack in acks:
            visit = visits.get(ack.visit_id)
            if ack.id not in with_proof or visit is None:
                out[ack.id] = "ackcheck.no_proof"
                continue
            if ack.pin_id not in secrets:
                secrets[ack.pin_id] = hub_pins.secret(ack.pin_id, kem_private)
            out[ack.id] = verify_acknowledgement(to_payload(ack), to_payload(visit),
                                                 secrets[ack.pin_id])
        _record([(a.id, a.visit_id, out[a.id]) for a in acks])
    return out


def _record(verdicts: list[tuple[str, str, str | None]]) -> None:
    if not verdicts:
        return
    at = datetime.now().replace(microsecond=0)
    rows = [{"ack": a, "visit": v, "passed": r is None, "reason": r or "", "checked_at": at}
            for a, v, r in verdicts]
    AckVerdict.insert_many(rows).on_conflict(
        conflict_target=[AckVerdict.ack],
        preserve=[AckVerdict.visit, AckVerdict.passed, AckVerdict.reason, AckVerdict.checked_at],
    ).execute()


def check_blocks(blocks: list[bundle.Block]) -> dict[str, str | None]:
    """On the hub, after a station's records were applied: check the PIN acknowledgements among
    them and those of the visits among them. Returns {ack id: None or why it failed}."""
    if node_id() != HUB:
        return {}
    ids = {blk.cols["id"][i] for blk in blocks if blk.table == "acknowledgement"
           for i in range(blk.n) if blk.cols["method"][i] == "pin"}
    visit_ids = [v for blk in blocks if blk.table == "visit" for v in blk.cols["id"]]
    for i in range(0, len(visit_ids), CHUNK):
        ids.update(a for (a,) in Acknowledgement.select(Acknowledgement.id).where(
            Acknowledgement.visit.in_(visit_ids[i : i + CHUNK])
            & (Acknowledgement.method == "pin")).tuples())
    if not ids:
        return {}
    return check_acknowledgements(sorted(ids), node.keys()["kem"])
