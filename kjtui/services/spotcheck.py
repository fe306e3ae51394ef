"""Which visits the county's spot checks 抽检 look at (docs/ACKNOWLEDGEMENT.md), and which
outcome of a visit's checks stands.

`priorities(visit_ids)` are the weights the sampler uses: a visit whose PIN proof failed at the
hub is taken before every other (priority FAILED_FIRST or more: the sampler takes all of those
first), the rest are drawn with a probability proportional to the weight.

    PIN proof failed at the hub                    FAILED_FIRST  (100)
    paper handbook page                            PAPER_WEIGHT  (3)  the page is checked on site
    declined, or not acknowledged                  OPEN_WEIGHT   (2)
    the first acknowledgement with a new PIN       NEW_PIN_WEIGHT (2) a PIN is set on trust once
    PIN proof passed (or not checked yet)          1

`sample(visit_ids, share, seed)` draws a manager's week: the size is `share` percent of the
visits, at least one; each visit's place in the draw comes from a hash of the hub's secret seed
and the visit's id (weighted sampling without replacement, Efraimidis–Spirakis), so that the same
week gives the same sample every time it is read, a visit recorded late moves no other visit's
place, and no laptop can tell which of its visits the county will phone.

A visit checked again keeps every outcome; the latest (by time, then clock stamp) stands and is
the one the month's score counts (`standing`).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable

import peewee as pw

from kjtui.models import Acknowledgement, AckVerdict, SpotCheck

FAILED_FIRST = 100.0
PAPER_WEIGHT = 3.0
OPEN_WEIGHT = 2.0
NEW_PIN_WEIGHT = 2.0
PIN_WEIGHT = 1.0
CHUNK = 400


def priorities(visit_ids: Iterable[str]) -> dict[str, tuple[float, str]]:
    """{visit id: (weight, why)} with a few queries for any number of visits; `why` is one of
    pin_failed, paper, declined, open (not acknowledged), new_pin, drawn."""
    ids = sorted(set(visit_ids))
    acks: dict[str, Acknowledgement] = {}
    for i in range(0, len(ids), CHUNK):
        for a in Acknowledgement.select().where(Acknowledgement.visit.in_(ids[i : i + CHUNK])
                                                & (Acknowledgement.deleted == False)):
            acks[a.visit_id] = a
    pins = [a for a in acks.values() if a.method == "pin"]
    failed: set[str] = set()
    first_of_pin: dict[str, str] = {}
    for i in range(0, len(pins), CHUNK):
        chunk = pins[i : i + CHUNK]
        failed.update(a for (a,) in AckVerdict.select(AckVerdict.ack).where(
            AckVerdict.ack.in_([a.id for a in chunk]) & (AckVerdict.passed == False)).tuples())
        for pin, ack in (Acknowledgement.select(Acknowledgement.pin, Acknowledgement.id)
                         .where(Acknowledgement.pin.in_({a.pin_id for a in chunk if a.pin_id})
                                & (Acknowledgement.deleted == False))
                         .order_by(Acknowledgement.pin, Acknowledgement.hlc, Acknowledgement.id)
                         .tuples()):
            first_of_pin.setdefault(pin, ack)
    out = {}
    for v in ids:
        ack = acks.get(v)
        if ack is None:
            out[v] = (OPEN_WEIGHT, "open")
        elif ack.method == "declined":
            out[v] = (OPEN_WEIGHT, "declined")
        elif ack.method == "paper":
            out[v] = (PAPER_WEIGHT, "paper")
        elif ack.id in failed:
            out[v] = (FAILED_FIRST, "pin_failed")
        elif ack.pin_id is not None and first_of_pin.get(ack.pin_id) == ack.id:
            out[v] = (NEW_PIN_WEIGHT, "new_pin")
        else:
            out[v] = (PIN_WEIGHT, "drawn")
    return out


def spot_check_priority(visit_id: str) -> float:
    return priorities([visit_id])[visit_id][0]


def sample_size(n: int, share: float) -> int:
    """`share` percent of `n` visits, rounded up, at least one (none of none)."""
    return 0 if n == 0 else max(1, math.ceil(n * share / 100.0 - 1e-9))


def _place(seed: str, visit_id: str, weight: float) -> float:
    """The visit's key in the draw: u^(1/w) with u uniform in (0, 1) from the hash."""
    h = int.from_bytes(hashlib.sha256(f"{seed}:{visit_id}".encode()).digest()[:8], "big")
    u = (h + 1) / (2**64 + 2)
    return u ** (1.0 / weight)


def sample(weights: dict[str, tuple[float, str]], share: float, seed: str) -> list[str]:
    """The visits drawn from `weights` (as `priorities` gives them): every failed PIN proof,
    then the weighted draw up to the sample's size; in the order drawn."""
    failed = sorted(v for v, (w, _) in weights.items() if w >= FAILED_FIRST)
    rest = sorted((v for v, (w, _) in weights.items() if w < FAILED_FIRST),
                  key=lambda v: -_place(seed, v, weights[v][0]))
    size = sample_size(len(weights), share)
    return failed + rest[:max(0, size - len(failed))]


def standing():
    """A where-clause on SpotCheck: the outcomes no later check of the same visit superseded
    (a check of no visit always stands)."""
    later = SpotCheck.alias()
    newer = later.select(pw.SQL("1")).where(
        (later.visit == SpotCheck.visit) & (later.deleted == False)
        & ((later.at > SpotCheck.at)
           | ((later.at == SpotCheck.at) & ((later.hlc > SpotCheck.hlc)
                                            | ((later.hlc == SpotCheck.hlc)
                                               & (later.id > SpotCheck.id))))))
    return SpotCheck.visit.is_null() | ~pw.fn.EXISTS(newer)
