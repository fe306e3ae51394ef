"""The customer's acknowledgement of a visit 客户签名认可 (docs/ACKNOWLEDGEMENT.md): the PIN the
customer chooses and types, the paper handbook page, or a declined signature with its reason.
Once acknowledged, a visit is never edited: it is corrected by a new visit.

This laptop keeps of a PIN only its salt and a 6-bit check: a wrong PIN is caught here 63 times
in 64, and the full check is the hub's (kjtui.models.pins). A PIN reset is the county's decision:
the station asks (`request_pin_reset`), the county answers after phoning the licence holder
(`decide_pin_reset`, on the hub), and until then the customer signs on paper.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
from datetime import datetime

from kjtui.exception import Refused
from kjtui.models import (
    ACK_METHODS,
    HUB,
    Acknowledgement,
    Customer,
    CustomerPin,
    PinResetDecision,
    PinResetRequest,
    Supervisor,
    SyncPeer,
    database,
    hub_pins,
    journal,
    new_id,
    pins,
)
from kjtui.models.journal import is_station, node_id, owner_for, to_payload
from kjtui.services import pin_state
from kjtui.services.session import now
from kjtui.services.visits import VisitLine, corrected, get_visit, visit_row

# The county's customer handbook 客户手册 of a year has its pages numbered 1 to HANDBOOK_PAGES;
# a paper acknowledgement names the page the customer signed, as its number.
HANDBOOK_PAGES = 200
_PAGE = re.compile(r"^[0-9]{1,3}$")


def check_page(text: str) -> str:
    """The page as stored ("17"), or a refusal that states the format."""
    page = (text or "").strip()
    if not _PAGE.match(page) or not 1 <= int(page) <= HANDBOOK_PAGES:
        raise Refused("ack.bad_page", page=page, last=HANDBOOK_PAGES)
    return str(int(page))


def _hub_key() -> str | None:
    """The hub's HPKE public key on an enrolled station; None on the hub (or a standalone demo
    database), which keeps the verifier itself."""
    row = (SyncPeer.select(SyncPeer.kem_pub)
           .where((SyncPeer.node == HUB) & (SyncPeer.revoked == False))
           .order_by(SyncPeer.incarnation.desc()).first())
    return row.kem_pub if row else None


def _station_hub_key() -> str | None:
    key = _hub_key() if is_station() else None
    if is_station() and key is None:
        raise Refused("ack.no_hub_key")
    return key


# This program's chain of proofs (kjtui.models.pins.ProofChain), in memory only: the key of the
# next proof is never written to the database. A new run, station or hub key starts a new chain.
_chain_lock = threading.Lock()
_chains: dict[tuple, pins.ProofChain] = {}


def _chain_for(hub_key: str) -> tuple[tuple, pins.ProofChain]:
    """The chain to go on with, if its first proof is in this database as this transaction sees
    it (a transaction around the acknowledgement may have been rolled back since)."""
    where = (hub_key, node_id(), getattr(database.obj, "database", None))
    chain = _chains.get(where)
    if chain is None or not Acknowledgement.select().where(
            Acknowledgement.id == chain.head_id).exists():
        chain = pins.ProofChain(hub_key)
    return where, chain


def _check_new_pin(pin: str, again: str | None) -> None:
    if not pins.valid_pin(pin):
        raise Refused("pin.format")
    if again is None or again != pin:
        raise Refused("pin.mismatch")


def _store_pin(customer_id: str, pin: str, owner: str, hub_key: str | None,
               reset_id: str | None) -> tuple[CustomerPin, bytes]:
    """A new PIN record: salt and check here, K sealed to the hub (a station) or kept in the
    hub's own verifier table (the hub, a standalone demo). K itself is returned, never stored."""
    salt = os.urandom(pins.SALT_BYTES)
    key = pins.derive_key(pin, salt)
    pin_id = new_id()
    verifier = (pins.seal_verifier(hub_key, key, pin_id, customer_id, salt.hex())
                if hub_key else "")
    row = journal.create(CustomerPin, id=pin_id, owner=owner_for(owner), customer=customer_id,
                         salt=salt.hex(), check_bits=pins.check_of(key), verifier=verifier,
                         reset=reset_id, set_at=now())
    if hub_key is None:
        hub_pins.keep(row, key)
    pin_state.forget_tries(customer_id)
    return row, key


def _typed_pin(customer_id: str, row: CustomerPin, pin: str) -> bytes:
    """K of the PIN typed, if it passes this laptop's check; a wrong one counts for the day."""
    if not pins.valid_pin(pin):
        raise Refused("pin.format")
    key = pins.derive_key(pin, bytes.fromhex(row.salt))
    if pins.check_of(key) == row.check_bits:
        return key
    tries = pin_state.count_wrong_try(customer_id)
    if tries >= pin_state.MAX_PIN_TRIES:
        raise Refused("ack.pin_locked", tries=tries)
    raise Refused("ack.wrong_pin", left=pin_state.MAX_PIN_TRIES - tries)


def acknowledge(
    visit_id: str,
    method: str = "pin",
    *,
    pin: str = "",
    new_pin: str | None = None,
    handbook_page: str = "",
    reason: str = "",
) -> VisitLine:
    """客户签名认可. `pin`: the customer's PIN; when the customer has none usable (first time,
    a PIN from before 0007, a reset the county approved) they choose it now, typed twice
    (`new_pin` is the repetition). `paper`: the handbook page. `declined`: the reason (and the
    page, if the customer wrote there). Once acknowledged the visit is never edited again."""
    v = visit_row(visit_id)
    if Acknowledgement.select().where(Acknowledgement.visit == v.id).exists():
        raise Refused("ack.already")
    if corrected(v.id):
        raise Refused("ack.superseded")
    if method not in ACK_METHODS:
        raise Refused("ack.method", method=method)
    page, reason = (handbook_page or "").strip(), (reason or "").strip()
    if method == "paper":
        if not page:
            raise Refused("ack.need_page", last=HANDBOOK_PAGES)
        page = check_page(page)
    elif method == "declined":
        if not reason:
            raise Refused("ack.need_reason")
        page = check_page(page) if page else ""
    else:
        page = ""  # a PIN acknowledgement never stores a page: a PIN can never land there
    hub_key = _station_hub_key() if method == "pin" else None
    state = pin_state.state_of(v.customer_id) if method == "pin" else None
    key = row = None
    if state == pin_state.RESET_PENDING:
        raise Refused("ack.pin_reset_pending", shop=v.customer.shop_name)
    if state == pin_state.LOCKED:
        raise Refused("ack.pin_locked", tries=pin_state.wrong_tries(v.customer_id))
    if state in pin_state.CHOOSES_NEW:
        _check_new_pin(pin, new_pin)
    elif state == pin_state.ACTIVE:
        row = pin_state.current_pin(v.customer_id)
        key = _typed_pin(v.customer_id, row, pin)  # before the transaction: a wrong try stays
    ack_id = new_id()
    with _chain_lock:  # one proof at a time: the chain moves on only once its proof is written
        where, chain = _chain_for(hub_key) if hub_key else (None, None)
        with database.atomic():
            fields = dict(method=method, handbook_page=page, reason=reason, at=now())
            if method == "pin":
                if row is None:
                    reset = pin_state.open_reset(v.customer_id)
                    row, key = _store_pin(v.customer_id, pin, v.owner, hub_key,
                                          reset[0].id if reset else None)
                fields["pin"] = row.id
                ack = {"id": ack_id, "visit_id": v.id, "pin_id": row.id, "method": "pin"}
                if hub_key:
                    fields["proof"], chain = pins.make_proof(chain, key, ack, to_payload(v))
            journal.create(Acknowledgement, id=ack_id, owner=owner_for(v.owner), visit=v,
                           **fields)
            if method == "pin" and hub_key is None:
                _verdict_here(ack_id, v.id, row, key)
        if where is not None and "proof" in fields:
            _chains[where] = chain
    return get_visit(visit_id)


def _verdict_here(ack_id: str, visit_id: str, row: CustomerPin, key: bytes) -> None:
    """On the hub itself (a standalone or demo database) the full check is made at once: the
    PIN typed is compared with the K this node holds, as the hub compares a proof on import."""
    import hmac

    secret = hub_pins.secret(row.id, "")
    if secret is None or secret.key is None:
        reason = "ackcheck.no_verifier"
    elif secret.refusal:
        reason = secret.refusal
    else:
        reason = None if hmac.compare_digest(secret.key, key) else "ackcheck.mismatch"
    hub_pins.record(ack_id, visit_id, reason)


def pin_tries_left(customer_id: str) -> int:
    return pin_state.tries_left(customer_id)


# --- PIN reset: the county's decision ----------------------------------------------------------


def request_pin_reset(visit_id: str, note: str = "") -> VisitLine:
    """The customer of this visit forgot the PIN: ask the county (a record that travels to the
    hub). Until the county confirms, this customer signs on paper."""
    v = visit_row(visit_id)
    shop = v.customer.shop_name
    state = pin_state.state_of(v.customer_id)
    if state == pin_state.RESET_PENDING:
        raise Refused("pin.reset_pending", shop=shop)
    if state == pin_state.RESET_APPROVED:
        raise Refused("pin.reset_approved", shop=shop)
    if state in (pin_state.NONE, pin_state.LEGACY):
        raise Refused("pin.nothing_to_reset", shop=shop)
    journal.create(PinResetRequest, owner=owner_for(v.owner), customer=v.customer_id,
                   requested_at=now(), note=note.strip()[:120])
    return get_visit(visit_id)


def set_new_pin(visit_id: str, pin: str, new_pin: str) -> VisitLine:
    """The customer of this visit chooses a new PIN, typed twice: once the county approved the
    reset (or when the customer has no usable PIN yet). Nothing is acknowledged by it."""
    v = visit_row(visit_id)
    state = pin_state.state_of(v.customer_id)
    if state not in pin_state.CHOOSES_NEW:
        key = "pin.reset_pending" if state == pin_state.RESET_PENDING else "pin.reset_needs_county"
        raise Refused(key, shop=v.customer.shop_name)
    _check_new_pin(pin, new_pin)
    hub_key = _station_hub_key()
    reset = pin_state.open_reset(v.customer_id)
    with database.atomic():
        _store_pin(v.customer_id, pin, v.owner, hub_key, reset[0].id if reset else None)
    return get_visit(visit_id)


@dataclass(frozen=True)
class ResetRequest:
    """A reset waiting for the county: whom to phone and what to ask."""

    id: str
    station: str
    licence_no: str
    shop_name: str
    owner_name: str
    phone: str
    requested_at: datetime
    note: str


def pending_pin_resets() -> list[ResetRequest]:
    """On the hub: the reset requests the county has not answered, oldest first."""
    decided = PinResetDecision.select(PinResetDecision.request)
    q = (PinResetRequest.select(PinResetRequest, Customer).join(Customer)
         .where((PinResetRequest.deleted == False) & PinResetRequest.id.not_in(decided))
         .order_by(PinResetRequest.requested_at, PinResetRequest.id))
    return [ResetRequest(r.id, r.owner, r.customer.licence_no, r.customer.shop_name,
                         r.customer.owner_name, r.customer.phone, r.requested_at, r.note)
            for r in q]


def decide_pin_reset(request_id: str, approved: bool, supervisor: str | None = None,
                     note: str = "") -> ResetRequest:
    """The county's decision on a reset request (on the hub), after phoning the licence holder.
    `request_id` may be the first characters of the id (at least 4). It travels back to the
    station in the next return bundle."""
    if is_station():
        raise Refused("pin.reset_at_county")
    matches = ([r for r in pending_pin_resets() if r.id.startswith(request_id)]
               if len(request_id) >= 4 else [])
    if len(matches) != 1:
        raise Refused("pin.no_such_reset", id=request_id)
    sup = None
    if supervisor:
        sup = Supervisor.get_or_none(Supervisor.code == supervisor)
        if sup is None:
            raise Refused("pin.unknown_supervisor", code=supervisor)
    journal.create(PinResetDecision, request=matches[0].id, approved=approved,
                   note=note.strip()[:120], decided_by=sup, decided_at=now())
    return matches[0]
