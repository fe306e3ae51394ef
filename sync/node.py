"""Who this node is for sync: its id, incarnation and keys, and the peers it knows."""

from __future__ import annotations

import os
from datetime import UTC, datetime

from kjtui.exception import BundleError
from kjtui.models import HUB, JournalEntry, Setting, SyncPeer, database
from kjtui.models.journal import node_id
from sync import crypto

INCARNATION = "sync.incarnation"


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _get(key: str) -> str | None:
    row = Setting.get_or_none(Setting.key == key)
    return row.value if row else None


def put(key: str, value: str) -> None:
    Setting.insert(key=key, value=value).on_conflict(
        conflict_target=[Setting.key], update={Setting.value: value}
    ).execute()


def has_keys() -> bool:
    return _get(crypto.SIGN_KEY) is not None


def keys() -> dict[str, str]:
    sign, kem = _get(crypto.SIGN_KEY), _get(crypto.KEM_KEY)
    if not sign or not kem:
        raise BundleError("sync.no_keys" if node_id() != HUB else "hub.not_initialised")
    return {"sign": sign, "kem": kem}


def incarnation() -> int:
    return int(_get(INCARNATION) or 1)


def last_seq() -> int:
    return JournalEntry.select(JournalEntry.seq).order_by(JournalEntry.seq.desc()).scalar() or 0


def hub_peer() -> SyncPeer:
    """On a station: the hub it was enrolled with."""
    row = (SyncPeer.select().where((SyncPeer.node == HUB) & (SyncPeer.revoked == False))
           .order_by(SyncPeer.incarnation.desc()).first())
    if row is None:
        raise BundleError("sync.not_enrolled")
    return row


def stations(code: str | None = None) -> list[SyncPeer]:
    """On the hub: the current (not revoked) incarnation of every station, or of one."""
    q = SyncPeer.select().where((SyncPeer.node != HUB) & (SyncPeer.revoked == False))
    if code:
        q = q.where(SyncPeer.node == code)
    return list(q.order_by(SyncPeer.node, SyncPeer.incarnation))


def save_peer(peer: SyncPeer) -> None:
    SyncPeer.update({f: getattr(peer, f.name) for f in SyncPeer._meta.sorted_fields}).where(
        (SyncPeer.node == peer.node) & (SyncPeer.incarnation == peer.incarnation)
    ).execute()


def protect_file() -> None:
    """A SQLite database now holds private keys: readable by its user only."""
    path = getattr(database.obj, "database", None)
    if isinstance(path, str) and path != ":memory:" and os.path.exists(path):
        os.chmod(path, 0o600)
