"""Keys, signatures and HPKE (RFC 9180) from `cryptography`; no home-made crypto.

Every node has an Ed25519 signing key and an X25519 key that HPKE encrypts to. The private keys
live in the node's own database (Setting rows "sync.sign_key" / "sync.kem_key", raw 32 bytes as
hex; local settings are never synced), so a PostgreSQL hub keeps them with its data and a SQLite
file is made 0600 by `kjtui hub init` / `kjtui station join`.
"""

from __future__ import annotations

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hpke, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.CHACHA20_POLY1305)
SUITE_NAME = "hpke-x25519-hkdfsha256-chacha20poly1305"
SIGN_KEY = "sync.sign_key"
KEM_KEY = "sync.kem_key"

_RAW = dict(encoding=serialization.Encoding.Raw, format=serialization.PublicFormat.Raw)
_RAW_PRIV = dict(
    encoding=serialization.Encoding.Raw,
    format=serialization.PrivateFormat.Raw,
    encryption_algorithm=serialization.NoEncryption(),
)


class CryptoFailed(Exception):
    """A signature that does not verify or a ciphertext that does not open."""


def new_keys() -> dict[str, str]:
    """A fresh pair of private keys as hex: {"sign": …, "kem": …}."""
    return {
        "sign": Ed25519PrivateKey.generate().private_bytes(**_RAW_PRIV).hex(),
        "kem": X25519PrivateKey.generate().private_bytes(**_RAW_PRIV).hex(),
    }


def public_of(keys: dict[str, str]) -> dict[str, str]:
    return {
        "sign": Ed25519PrivateKey.from_private_bytes(bytes.fromhex(keys["sign"]))
        .public_key().public_bytes(**_RAW).hex(),
        "kem": X25519PrivateKey.from_private_bytes(bytes.fromhex(keys["kem"]))
        .public_key().public_bytes(**_RAW).hex(),
    }


def sign(private_hex: str, data: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(private_hex)).sign(data)


def verify(public_hex: str, signature: bytes, data: bytes) -> None:
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_hex)).verify(signature, data)
    except (InvalidSignature, ValueError) as exc:
        raise CryptoFailed("signature") from exc


def seal(public_hex: str, plaintext: bytes, info: bytes) -> bytes:
    """HPKE single-shot to the recipient's X25519 key; `info` binds the ciphertext to its
    manifest, so a payload moved into another bundle does not open."""
    return SUITE.encrypt(plaintext, X25519PublicKey.from_public_bytes(bytes.fromhex(public_hex)),
                         info=info)


def open_sealed(private_hex: str, ciphertext: bytes, info: bytes) -> bytes:
    try:
        return SUITE.decrypt(
            ciphertext, X25519PrivateKey.from_private_bytes(bytes.fromhex(private_hex)), info=info
        )
    except (InvalidTag, ValueError) as exc:
        raise CryptoFailed("decrypt") from exc
