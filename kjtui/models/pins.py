"""The customer's PIN as both ends use it (docs/ACKNOWLEDGEMENT.md): plain functions, no database.

A PIN is exactly six digits. From it and a per-PIN salt comes K = scrypt(PIN, salt). The station
keeps only the salt and CHECK_BITS bits of HMAC(K, "check"): enough to catch ~98% of typing
mistakes on the spot, too few to tell the right PIN among the ~15,625 that share them. K itself
goes to the hub once, sealed to the hub's HPKE key (`seal_verifier`), and is never kept on the
station. Each acknowledgement carries a proof of MAC = HMAC(K, the visit's content) that only the
hub can check (`verify_acknowledgement`): the station cannot even tell a proof that would pass
from one that would fail, so a copy of its database is no oracle for the PIN.

The proofs of one run of the program form a chain (`ProofChain`): the first seals a fresh chain
key k0 to the hub (HPKE), and every proof is a 16-byte tag HMAC(k_i, MAC) with k_i+1 =
HMAC(k_i, "next"); the program forgets k_i once proof i is written. A proof sealed on its own
would cost 48 bytes an acknowledgement (an X25519 key and an AEAD tag); a link costs its tag and
a reference to the chain's first proof, which compresses. What the database holds (the sealed
k0 and tags) tests no guess without the hub's private key; only the k_i in the running
program's memory is the key to the *next* proof (docs/ACKNOWLEDGEMENT.md, limits).

HPKE is RFC 9180 from `cryptography`, the same suite as the bundles (sync/crypto.py); the
import is deferred so that loading this module costs nothing at start-up.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
from dataclasses import dataclass, replace
from datetime import date, datetime

PIN_DIGITS = 6
PIN_RE = re.compile(r"^[0-9]{6}$")
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1  # 16 MiB a try; measured in docs/ACKNOWLEDGEMENT.md
KEY_BYTES = 32
SALT_BYTES = 16
CHECK_BITS = 6  # 1 in 64 wrong PINs passes the station's check; 10**6 / 64 = 15,625 candidates

_CHECK_LABEL = b"kjtui-pin-check/1"
_VERIFIER_LABEL = b"kjtui-pin-verifier/1"
_PROOF_LABEL = b"kjtui-ack-proof/1"
_CHAIN_LABEL = b"kjtui-ack-chain/1"
TAG_BYTES = 16
CHAIN_LINKS = 256  # proofs a chain carries before the next one starts (bounds the hub's steps)

# The visit's content the customer reads in the acknowledgement dialog and vouches for.
VOUCHED = ("id", "customer_id", "manager_id", "day_id", "on_route", "arrived_at", "departed_at",
           "ordered", "quantity", "price_tags", "agreement_sales", "retail_format_ok",
           "brand_cultivation", "satisfaction", "note", "supersedes_id")
_BOOLS = {"on_route", "ordered", "price_tags", "agreement_sales", "retail_format_ok",
          "brand_cultivation"}
_TIMES = {"arrived_at", "departed_at"}


def valid_pin(pin: str) -> bool:
    return bool(PIN_RE.match(pin or ""))


def derive_key(pin: str, salt: bytes) -> bytes:
    """K = scrypt(PIN, salt): the one slow step, once a try."""
    return hashlib.scrypt(pin.encode("ascii"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
                          dklen=KEY_BYTES, maxmem=64 * 1024 * 1024)


def check_of(key: bytes) -> int:
    """The station's short check: the top CHECK_BITS bits of HMAC(K, "check")."""
    return hmac.new(key, _CHECK_LABEL, hashlib.sha256).digest()[0] >> (8 - CHECK_BITS)


# --- sealing to the hub -------------------------------------------------------------------------


def _suite():
    from cryptography.hazmat.primitives import hpke

    return hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.CHACHA20_POLY1305)


def _seal(hub_kem_pub: str, plaintext: bytes, info: bytes) -> str:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

    key = X25519PublicKey.from_public_bytes(bytes.fromhex(hub_kem_pub))
    return base64.b64encode(_suite().encrypt(plaintext, key, info=info)).decode("ascii")


def _open(hub_kem_priv: str, sealed: str, info: bytes) -> bytes | None:
    """The plaintext, or None for anything that does not open (tampered, moved, wrong key)."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    try:
        data = base64.b64decode(sealed.encode("ascii"), validate=True)
        key = X25519PrivateKey.from_private_bytes(bytes.fromhex(hub_kem_priv))
        return _suite().decrypt(data, key, info=info)
    except (InvalidTag, ValueError, UnicodeEncodeError):
        return None


def _verifier_info(pin_id: str, customer_id: str, salt_hex: str) -> bytes:
    return b"|".join((_VERIFIER_LABEL, pin_id.encode(), customer_id.encode(), salt_hex.encode()))


def seal_verifier(hub_kem_pub: str, key: bytes, pin_id: str, customer_id: str,
                  salt_hex: str) -> str:
    """K sealed to the hub, bound to its PIN record: moved to another record it does not open."""
    return _seal(hub_kem_pub, key, _verifier_info(pin_id, customer_id, salt_hex))


def open_verifier(hub_kem_priv: str, sealed: str, pin_id: str, customer_id: str,
                  salt_hex: str) -> bytes | None:
    key = _open(hub_kem_priv, sealed, _verifier_info(pin_id, customer_id, salt_hex))
    return key if key is not None and len(key) == KEY_BYTES else None


# --- the acknowledgement's proof ----------------------------------------------------------------


def _json_value(name: str, value):
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if name in _TIMES and isinstance(value, str):
        return value.replace(" ", "T")[:19]  # SQLite's text of a datetime, to the second
    if name in _BOOLS:
        return bool(value)
    return value


def vouched_bytes(ack: dict, visit: dict) -> bytes:
    """What the MAC covers: the acknowledgement's identity and the visit's content, canonical
    (keys sorted, UTF-8, datetimes to the second), the same bytes at both ends."""
    content = {
        "ack": {"id": ack["id"], "visit_id": ack["visit_id"], "pin_id": ack.get("pin_id"),
                "method": ack["method"]},
        "visit": {name: _json_value(name, visit.get(name)) for name in VOUCHED},
    }
    return _PROOF_LABEL + b"\n" + json.dumps(content, ensure_ascii=False, sort_keys=True,
                                             separators=(",", ":")).encode("utf-8")


def ack_mac(key: bytes, ack: dict, visit: dict) -> bytes:
    return hmac.new(key, vouched_bytes(ack, visit), hashlib.sha256).digest()


def _proof_info(ack_id: str, mac: bytes) -> bytes:
    return _PROOF_LABEL + b"|" + ack_id.encode() + b"|" + mac


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def _chain_info(head_id: str) -> bytes:
    return _CHAIN_LABEL + b"|" + head_id.encode()


def _next_key(chain_key: bytes) -> bytes:
    return hmac.new(chain_key, _CHAIN_LABEL + b"|next", hashlib.sha256).digest()


def _tag(chain_key: bytes, head_id: str, index: int, mac: bytes) -> bytes:
    msg = b"|".join((_CHAIN_LABEL, b"tag", head_id.encode(), str(index).encode(), mac))
    return hmac.new(chain_key, msg, hashlib.sha256).digest()[:TAG_BYTES]


@dataclass(frozen=True)
class ProofChain:
    """A station's chain of proofs to one hub key, held in memory only, never stored: the id of
    its first acknowledgement, the index and key of the next proof. `head_id` None: the next
    proof starts a chain."""

    hub_kem_pub: str
    head_id: str | None = None
    index: int = 0
    key: bytes = b""


def make_proof(chain: ProofChain, key: bytes, ack: dict, visit: dict) -> tuple[str, ProofChain]:
    """The proof an acknowledgement carries, and the chain to use next (the caller keeps it only
    once the acknowledgement is committed: a chain never refers to a first proof that was not
    written). A chain's first proof is "0:" + base64(k0 sealed to the hub with the
    acknowledgement's id as HPKE info, then its tag): 130 characters. Every later one is
    "<first acknowledgement's id>:<index>:<base64 tag>": 57 to 59 characters."""
    mac = ack_mac(key, ack, visit)
    if chain.head_id is None or chain.index >= CHAIN_LINKS:
        k0 = os.urandom(KEY_BYTES)
        sealed = base64.b64decode(_seal(chain.hub_kem_pub, k0, _chain_info(ack["id"])))
        proof = "0:" + _b64(sealed + _tag(k0, ack["id"], 0, mac))
        return proof, ProofChain(chain.hub_kem_pub, ack["id"], 1, _next_key(k0))
    tag = _tag(chain.key, chain.head_id, chain.index, mac)
    proof = f"{chain.head_id}:{chain.index}:{_b64(tag)}"
    return proof, replace(chain, index=chain.index + 1, key=_next_key(chain.key))


def make_sealed_proof(hub_kem_pub: str, key: bytes, ack: dict, visit: dict) -> str:
    """A proof sealed on its own, as laptops wrote them before chains: HPKE to the hub of an
    empty message whose `info` is the MAC (48 bytes, 64 characters). The hub still checks it."""
    return _seal(hub_kem_pub, b"", _proof_info(ack["id"], ack_mac(key, ack, visit)))


def chain_head(proof: str) -> str | None:
    """The id of the acknowledgement whose proof starts this proof's chain (None: a chain's
    first proof, a proof sealed on its own, or one that does not parse)."""
    parts = (proof or "").split(":")
    return parts[0] if len(parts) == 3 else None


def open_chain(hub_kem_priv: str, head_id: str, head_proof: str) -> bytes | None:
    """On the hub: k0 of the chain that acknowledgement `head_id`, whose proof is `head_proof`,
    starts; None when that is no chain's first proof or it does not open."""
    if not (head_proof or "").startswith("0:"):
        return None
    try:
        data = _unb64(head_proof[2:])
    except (ValueError, UnicodeEncodeError):
        return None
    if len(data) <= TAG_BYTES:
        return None
    k0 = _open(hub_kem_priv, base64.b64encode(data[:-TAG_BYTES]).decode("ascii"),
               _chain_info(head_id))
    return k0 if k0 is not None and len(k0) == KEY_BYTES else None


class ChainKeys:
    """On the hub: the keys of the chains one check meets. `head_proof(ack_id)` gives the proof
    the hub holds for an acknowledgement (or None); each chain's k0 is opened once and its keys
    derived step by step as far as asked, so checking a chain of n proofs costs n steps."""

    def __init__(self, hub_kem_priv: str, head_proof):
        self._priv, self._head_proof = hub_kem_priv, head_proof
        self._keys: dict[str, list[bytes] | None] = {}

    def key(self, head_id: str, index: int) -> bytes | None:
        if head_id not in self._keys:
            proof = self._head_proof(head_id)
            k0 = open_chain(self._priv, head_id, proof) if proof else None
            self._keys[head_id] = [k0] if k0 else None
        keys = self._keys[head_id]
        if keys is None or not 0 <= index < CHAIN_LINKS:
            return None
        while len(keys) <= index:
            keys.append(_next_key(keys[-1]))
        return keys[index]


def proof_holds(proof: str, ack_id: str, mac: bytes, hub_kem_priv: str,
                chains: ChainKeys | None) -> bool:
    """Whether `proof` proves `mac` for acknowledgement `ack_id`, in any of its three forms: a
    chain's first proof, a later link of a chain, a proof sealed on its own."""
    parts = proof.split(":")
    try:
        if len(parts) == 2 and parts[0] == "0":
            k0 = open_chain(hub_kem_priv, ack_id, proof)
            return k0 is not None and hmac.compare_digest(
                _unb64(parts[1])[-TAG_BYTES:], _tag(k0, ack_id, 0, mac))
        if len(parts) == 3:
            head_id, index = parts[0], int(parts[1]) if parts[1].isdigit() else 0
            k = chains.key(head_id, index) if chains is not None and index > 0 else None
            return k is not None and hmac.compare_digest(_unb64(parts[2]),
                                                         _tag(k, head_id, index, mac))
    except (ValueError, UnicodeEncodeError):
        return False
    return len(parts) == 1 and _open(hub_kem_priv, proof, _proof_info(ack_id, mac)) == b""


@dataclass(frozen=True)
class HubSecret:
    """What the hub alone holds for one PIN record: K (opened from its sealed verifier), whose
    customer it is, whether the county accepts that PIN (`refusal`: None, or why not), and the
    hub's own HPKE private key to open proofs with."""

    pin_id: str
    customer_id: str
    key: bytes | None
    kem_private: str
    refusal: str | None = None


def verify_acknowledgement(ack_payload: dict, visit_payload: dict, secret: HubSecret | None,
                           chains: ChainKeys | None = None) -> str | None:
    """The hub's check of one acknowledgement: None when it passed, else the catalog key of why
    it failed. Only PIN acknowledgements carry a proof; paper and declined ones pass here (they
    weigh more in the spot-check sample instead). Never raises on bad input."""
    if ack_payload.get("method") != "pin":
        return None
    proof = ack_payload.get("proof") or ""
    if not proof or not ack_payload.get("pin_id"):
        return "ackcheck.no_proof"
    if secret is None or secret.key is None or secret.pin_id != ack_payload.get("pin_id"):
        return "ackcheck.no_verifier"
    if secret.customer_id != visit_payload.get("customer_id"):
        return "ackcheck.other_customer"
    if ack_payload.get("visit_id") != visit_payload.get("id"):
        return "ackcheck.mismatch"
    if secret.refusal:
        return secret.refusal
    try:
        mac = ack_mac(secret.key, ack_payload, visit_payload)
    except (KeyError, TypeError, ValueError):
        return "ackcheck.mismatch"
    held = proof_holds(proof, str(ack_payload.get("id")), mac, secret.kem_private, chains)
    return None if held else "ackcheck.mismatch"
