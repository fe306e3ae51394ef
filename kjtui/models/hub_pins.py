"""What the hub alone holds about PINs (docs/ACKNOWLEDGEMENT.md): each PIN record's K, opened
from its sealed verifier, with whether the county accepts that PIN; and its verdict on each PIN
acknowledgement. Tables `pin_verifier` and `ack_verdict`, never synced (empty on a station).

A PIN record is accepted when it is the customer's first usable PIN, or when it names a reset
request of that customer that the county approved and no earlier PIN used. Anything else — a
station writing a new PIN over the customer's own without the county — is refused, and every
acknowledgement made with it fails.
"""

from __future__ import annotations

from datetime import datetime

from kjtui.models import (
    AckVerdict,
    CustomerPin,
    PinResetDecision,
    PinResetRequest,
    PinVerifier,
    database,
)
from kjtui.models.pins import HubSecret, open_verifier


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def refusal_of(pin: CustomerPin) -> str | None:
    """None when the county accepts this PIN record, else the catalog key of why not."""
    if pin.check_bits is None:
        return "ackcheck.legacy_pin"
    earlier = [p for p in CustomerPin.select().where(
        (CustomerPin.customer == pin.customer_id) & (CustomerPin.deleted == False)
        & (CustomerPin.check_bits.is_null(False)) & (CustomerPin.id != pin.id))
        if (p.hlc, p.id) < (pin.hlc, pin.id)]
    refused = {v.pin_id for v in PinVerifier.select(PinVerifier.pin).where(
        PinVerifier.pin.in_([p.id for p in earlier]) & PinVerifier.refusal.is_null(False))}
    standing = [p for p in earlier if p.id not in refused]
    if not standing:
        return None  # the customer's first PIN
    if pin.reset_id is None:
        return "ackcheck.pin_not_authorised"
    request = PinResetRequest.get_or_none(PinResetRequest.id == pin.reset_id)
    decision = PinResetDecision.get_or_none(PinResetDecision.request == pin.reset_id)
    if request is None or request.customer_id != pin.customer_id or decision is None:
        return "ackcheck.pin_not_authorised"
    if not decision.approved:
        return "ackcheck.pin_not_authorised"
    if any(p.reset_id == pin.reset_id for p in standing):
        return "ackcheck.reset_used"
    return None


def keep(pin: CustomerPin, key: bytes | None) -> PinVerifier:
    """Remember K of a PIN record (None: its verifier did not open) and the county's view of it."""
    refusal = refusal_of(pin) if key is not None else "ackcheck.no_verifier"
    with database.atomic():
        PinVerifier.delete().where(PinVerifier.pin == pin.id).execute()
        return PinVerifier.create(pin=pin.id, customer=pin.customer_id,
                                  key=key.hex() if key else "", refusal=refusal,
                                  opened_at=_now())


def secret(pin_id: str | None, kem_private: str) -> HubSecret | None:
    """The hub's secret for a PIN record, opening its sealed verifier the first time it is
    needed (with the hub's HPKE private key). None: no such PIN record here."""
    if not pin_id:
        return None
    row = PinVerifier.get_or_none(PinVerifier.pin == pin_id)
    if row is None:
        pin = CustomerPin.get_or_none(CustomerPin.id == pin_id)
        if pin is None:
            return None
        key = open_verifier(kem_private, pin.verifier, pin.id, pin.customer_id, pin.salt) \
            if pin.verifier else None
        row = keep(pin, key)
    return HubSecret(row.pin_id, row.customer_id, bytes.fromhex(row.key) if row.key else None,
                     kem_private, row.refusal)


def record(ack_id: str, visit_id: str, reason: str | None) -> AckVerdict:
    """The hub's verdict on one acknowledgement: passed (reason None) or failed, and why."""
    with database.atomic():
        AckVerdict.delete().where(AckVerdict.ack == ack_id).execute()
        return AckVerdict.create(ack=ack_id, visit=visit_id, passed=reason is None,
                                 reason=reason or "", checked_at=_now())
