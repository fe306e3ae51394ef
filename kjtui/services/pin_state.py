"""Where a customer's PIN stands on this laptop, and the wrong tries of the day.

    none            never set: the customer chooses one at the acknowledgement
    legacy          set before migration 0007 (4-6 digits, unusable now): chooses a new one
    active          the customer types it
    locked          MAX_PIN_TRIES wrong today: the paper handbook until tomorrow
    reset_pending   a reset was asked of the county: the paper handbook until it answers
    reset_approved  the county confirmed the reset: the customer chooses a new one

Wrong tries count per customer and day in this laptop's settings (kept across restarts, never
synced), whatever the visit: a new visit does not start them again; a new PIN does.
"""

from __future__ import annotations

from kjtui.models import CustomerPin, PinResetDecision, PinResetRequest, Setting
from kjtui.services import settings
from kjtui.services.session import now

NONE, LEGACY, ACTIVE, LOCKED = "none", "legacy", "active", "locked"
RESET_PENDING, RESET_APPROVED = "reset_pending", "reset_approved"
CHOOSES_NEW = (NONE, LEGACY, RESET_APPROVED)  # the customer types a new PIN twice
MAX_PIN_TRIES = 5  # wrong PINs a customer and day on this laptop
_TRIES = "pin_tries:"  # + customer id; value "YYYY-MM-DD n"


def current_pin(customer_id: str) -> CustomerPin | None:
    """The customer's latest PIN record (a reset writes a new one)."""
    return (CustomerPin.select()
            .where((CustomerPin.customer == customer_id) & (CustomerPin.deleted == False))
            .order_by(CustomerPin.hlc.desc(), CustomerPin.id.desc()).first())


def open_reset(customer_id: str) -> tuple[PinResetRequest, PinResetDecision | None] | None:
    """The reset request still open for this customer (not refused by the county, not yet used
    by a new PIN) and the county's decision if it came, or None."""
    used = CustomerPin.select(CustomerPin.reset).where(
        (CustomerPin.customer == customer_id) & CustomerPin.reset.is_null(False))
    for request in (PinResetRequest.select()
                    .where((PinResetRequest.customer == customer_id)
                           & (PinResetRequest.deleted == False)
                           & PinResetRequest.id.not_in(used))
                    .order_by(PinResetRequest.hlc.desc(), PinResetRequest.id.desc())):
        decision = PinResetDecision.get_or_none((PinResetDecision.request == request.id)
                                                & (PinResetDecision.deleted == False))
        if decision is None or decision.approved:
            return request, decision
    return None


def _tries_key(customer_id: str) -> str:
    return _TRIES + customer_id


def wrong_tries(customer_id: str) -> int:
    """Wrong PINs of this customer today on this laptop."""
    value = settings.get(_tries_key(customer_id)) or ""
    day, _, n = value.partition(" ")
    return int(n) if day == now().date().isoformat() and n.isdigit() else 0


def count_wrong_try(customer_id: str) -> int:
    """One more wrong PIN today (committed on its own: the refusal that follows keeps it)."""
    n = wrong_tries(customer_id) + 1
    settings.put(_tries_key(customer_id), f"{now().date().isoformat()} {n}")
    return n


def forget_tries(customer_id: str) -> None:
    """A new PIN (the county's reset, or a first one) starts without wrong tries."""
    Setting.delete().where(Setting.key == _tries_key(customer_id)).execute()


def tries_left(customer_id: str) -> int:
    return max(0, MAX_PIN_TRIES - wrong_tries(customer_id))


def state_of(customer_id: str) -> str:
    pin = current_pin(customer_id)
    if pin is None or pin.check_bits is None:
        state = NONE if pin is None else LEGACY
    else:
        state = LOCKED if wrong_tries(customer_id) >= MAX_PIN_TRIES else ACTIVE
    if state in (ACTIVE, LOCKED):
        reset = open_reset(customer_id)
        if reset is not None:
            return RESET_APPROVED if reset[1] is not None else RESET_PENDING
    return state


def states(customer_ids) -> dict[str, str]:
    """`state_of` each customer, read a few queries for all (a week's lines name a hundred)."""
    ids = sorted(set(customer_ids))
    latest: dict[str, tuple] = {}
    asked: set[str] = set()
    tries: dict[str, str] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        for c, bits, stamp, ident in (CustomerPin.select(
                CustomerPin.customer, CustomerPin.check_bits, CustomerPin.hlc, CustomerPin.id)
                .where(CustomerPin.customer.in_(chunk) & (CustomerPin.deleted == False)).tuples()):
            if c not in latest or (stamp, ident) > latest[c][1:]:
                latest[c] = (bits, stamp, ident)
        asked.update(c for (c,) in PinResetRequest.select(PinResetRequest.customer).where(
            PinResetRequest.customer.in_(chunk) & (PinResetRequest.deleted == False)).tuples())
        tries.update(Setting.select(Setting.key, Setting.value).where(
            Setting.key.in_([_tries_key(c) for c in chunk])).tuples())
    today = now().date().isoformat()
    out = {}
    for c in ids:
        pin = latest.get(c)
        if pin is None or pin[0] is None:
            out[c] = NONE if pin is None else LEGACY
            continue
        day, _, n = tries.get(_tries_key(c), "").partition(" ")
        wrong = int(n) if day == today and n.isdigit() else 0
        out[c] = LOCKED if wrong >= MAX_PIN_TRIES else ACTIVE
        if c in asked:
            out[c] = state_of(c)  # a reset asked: the rare case, read as one customer
    return out
