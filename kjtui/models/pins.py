"""The customer's PIN as both ends use it (docs/ACKNOWLEDGEMENT.md): plain functions, no database.

A PIN is exactly six digits. From it and a per-PIN salt comes K = scrypt(PIN, salt). The station
keeps only the salt and CHECK_BITS bits of HMAC(K, "check"): enough to catch ~98% of typing
mistakes on the spot, too few to tell the right PIN among the ~15,625 that share them. K itself
goes to the hub once, sealed to the hub's HPKE key (`seal_verifier`), and is never kept on the
station. Each acknowledgement carries a proof: HPKE to the hub of nothing, with HMAC(K, the visit's
content) as HPKE `info` (`make_proof`). Only the hub, holding K and its own private key, can
check it (`verify_acknowledgement`); the station cannot even tell a proof that would pass from
one that would fail, so a copy of its database is no oracle for the PIN.

HPKE is RFC 9180 from `cryptography`, the same suite as the bundles (sync/crypto.py); the
import is deferred so that loading this module costs nothing at start-up.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from dataclasses import dataclass
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


def make_proof(hub_kem_pub: str, key: bytes, ack: dict, visit: dict) -> str:
    """The proof an acknowledgement carries: HPKE to the hub of an empty message whose `info` is
    the MAC. 48 bytes (64 in base64); opening it needs the hub's private key and the right MAC,
    so nothing on the station can test a guess against it."""
    return _seal(hub_kem_pub, b"", _proof_info(ack["id"], ack_mac(key, ack, visit)))


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


def verify_acknowledgement(ack_payload: dict, visit_payload: dict,
                           secret: HubSecret | None) -> str | None:
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
    opened = _open(secret.kem_private, proof, _proof_info(str(ack_payload.get("id")), mac))
    return None if opened == b"" else "ackcheck.mismatch"
