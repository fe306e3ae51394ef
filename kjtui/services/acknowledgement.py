"""The customer's acknowledgement of a visit 客户签名认可: the PIN the customer chooses and types,
the paper handbook page, or a declined signature with its reason. Once acknowledged, a visit is
never edited: it is corrected by a new visit."""

from __future__ import annotations

import hashlib
import hmac
import os
import re

from kjtui.exception import Refused
from kjtui.models import Acknowledgement, CustomerPin, Setting, database, journal
from kjtui.models.journal import owner_for
from kjtui.services import settings
from kjtui.services.session import now
from kjtui.services.visits import VisitLine, corrected, get_visit, visit_row

PIN_RE = re.compile(r"^\d{4,6}$")
MAX_PIN_TRIES = 5  # wrong PINs in a row for one visit before only the paper handbook is left
_TRIES = "pin:"  # settings key prefix: wrong PIN tries of a visit


def _hash(pin: str, salt: bytes) -> str:
    # scrypt: a stolen laptop should not give away the PINs cheaply (a 4-digit PIN stays weak).
    return hashlib.scrypt(pin.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32).hex()


def _pin_row(customer_id: str) -> CustomerPin | None:
    return CustomerPin.get_or_none(
        (CustomerPin.customer == customer_id) & (CustomerPin.deleted == False)
    )


def customer_has_pin(customer_id: str) -> bool:
    return _pin_row(customer_id) is not None


def _check_pin_format(pin: str) -> None:
    if not PIN_RE.match(pin or ""):
        raise Refused("pin.format")


def _store_pin(customer_id: str, pin: str, owner: str, existing: CustomerPin | None) -> None:
    """The PIN the customer chose, kept only as a salted scrypt hash."""
    salt = os.urandom(16)
    fields = {"salt": salt.hex(), "pin_hash": _hash(pin, salt), "set_at": now()}
    if existing is None:
        # One PIN record a customer, whoever writes it (CustomerPin.one_per): when the customer
        # changes hands, the new manager's PIN is a revision of the old one, never a second row.
        pin_id = journal.natural_id(CustomerPin, {"customer": customer_id})
        gone = CustomerPin.get_or_none(CustomerPin.id == pin_id)  # a PIN deleted before
        if gone is not None:
            journal.update(gone, deleted=False, **fields)
        else:
            journal.create(CustomerPin, id=pin_id, owner=owner_for(owner), customer=customer_id,
                           **fields)
    else:
        journal.update(existing, **fields)


def _pin_matches(row: CustomerPin, pin: str) -> bool:
    return hmac.compare_digest(_hash(pin, bytes.fromhex(row.salt)), row.pin_hash)


def acknowledge(
    visit_id: str,
    method: str = "pin",
    *,
    pin: str = "",
    new_pin: str | None = None,
    handbook_page: str = "",
    reason: str = "",
) -> VisitLine:
    """客户签名认可. `pin`: the customer's PIN; at the first confirmation the customer chooses it
    (`pin` typed twice: `new_pin` is the repetition). `paper`: the handbook page. `declined`: the
    reason (and the page, if any). Once acknowledged the visit is never edited again."""
    v = visit_row(visit_id)
    if Acknowledgement.select().where(Acknowledgement.visit == v.id).exists():
        raise Refused("ack.already")
    if corrected(v.id):
        raise Refused("ack.superseded")
    handbook_page, reason = handbook_page.strip(), reason.strip()
    if method == "paper" and not handbook_page:
        raise Refused("ack.need_page")
    if method == "declined" and not reason:
        raise Refused("ack.need_reason")
    if method not in ("pin", "paper", "declined"):
        raise Refused("ack.method", method=method)
    owner = v.owner
    row = _pin_row(v.customer_id) if method == "pin" else None
    if row is not None:
        _check_pin(v.id, row, pin)
    with database.atomic():
        if method == "pin" and row is None:
            _check_pin_format(pin)
            if new_pin is None or new_pin != pin:
                raise Refused("pin.mismatch")
            _store_pin(v.customer_id, pin, owner, None)
        journal.create(Acknowledgement, owner=owner_for(owner), visit=v,
                       method=method, handbook_page=handbook_page, reason=reason,
                       at=now())
    Setting.delete().where(Setting.key == _TRIES + v.id).execute()
    return get_visit(visit_id)


def _check_pin(visit_id: str, row: CustomerPin, pin: str) -> None:
    """The customer's PIN for this visit. Wrong tries are counted in this laptop's settings (kept
    across restarts, never synced); after MAX_PIN_TRIES in a row the PIN is refused for the
    visit and only the paper handbook is left."""
    tries = int(settings.get(_TRIES + visit_id) or 0)
    if tries >= MAX_PIN_TRIES:
        raise Refused("ack.pin_locked", tries=tries)
    if _pin_matches(row, pin):
        return
    tries += 1
    settings.put(_TRIES + visit_id, str(tries))  # committed on its own: a refusal keeps it
    if tries >= MAX_PIN_TRIES:
        raise Refused("ack.pin_locked", tries=tries)
    raise Refused("ack.wrong_pin", left=MAX_PIN_TRIES - tries)


def pin_tries_left(visit_id: str) -> int:
    return max(0, MAX_PIN_TRIES - int(settings.get(_TRIES + visit_id) or 0))


def reset_pin(visit_id: str, pin: str, new_pin: str) -> VisitLine:
    """A customer who forgot the PIN chooses a new one (typed twice), only on a visit they have
    acknowledged in the paper handbook: their signature there stands for the reset."""
    v = visit_row(visit_id)
    ack = Acknowledgement.get_or_none(Acknowledgement.visit == v.id)
    if ack is None or ack.method != "paper":
        raise Refused("pin.reset_needs_paper", shop=v.customer.shop_name)
    _check_pin_format(pin)
    if new_pin != pin:
        raise Refused("pin.mismatch")
    _store_pin(v.customer_id, pin, v.owner, _pin_row(v.customer_id))
    return get_visit(visit_id)
