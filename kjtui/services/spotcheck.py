"""Which visits the county's spot checks 抽检 look at first (docs/ACKNOWLEDGEMENT.md).

`spot_check_priority(visit_id)` is the weight the spot-check sampler uses: a visit whose PIN
proof failed at the hub is taken before every other (priority FAILED_FIRST or more: the sampler
takes all of those first), the rest are drawn with a probability proportional to the weight.

    PIN proof failed at the hub                    FAILED_FIRST  (100)
    paper handbook page                            PAPER_WEIGHT  (3)  the page is checked on site
    declined, or not acknowledged                  OPEN_WEIGHT   (2)
    the first acknowledgement with a new PIN       NEW_PIN_WEIGHT (2) a PIN is set on trust once
    PIN proof passed (or not checked yet)          1
"""

from __future__ import annotations

from kjtui.models import Acknowledgement, AckVerdict

FAILED_FIRST = 100.0
PAPER_WEIGHT = 3.0
OPEN_WEIGHT = 2.0
NEW_PIN_WEIGHT = 2.0
PIN_WEIGHT = 1.0


def spot_check_priority(visit_id: str) -> float:
    ack = Acknowledgement.get_or_none((Acknowledgement.visit == visit_id)
                                      & (Acknowledgement.deleted == False))
    if ack is None or ack.method == "declined":
        return OPEN_WEIGHT
    if ack.method == "paper":
        return PAPER_WEIGHT
    verdict = AckVerdict.get_or_none(AckVerdict.ack == ack.id)
    if verdict is not None and not verdict.passed:
        return FAILED_FIRST
    if ack.pin_id is not None:
        first = (Acknowledgement.select(Acknowledgement.id)
                 .where((Acknowledgement.pin == ack.pin_id) & (Acknowledgement.deleted == False))
                 .order_by(Acknowledgement.hlc, Acknowledgement.id).scalar())
        if first == ack.id:
            return NEW_PIN_WEIGHT
    return PIN_WEIGHT
