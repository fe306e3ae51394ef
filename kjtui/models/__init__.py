"""Peewee models and the database they live in. Importing this connects to nothing."""

from kjtui.models.base import HUB, BaseModel, SyncModel, derived_id, new_id, uuid7
from kjtui.models.db import close, connect, database, resolve_url
from kjtui.models.entities import *  # noqa: F403
from kjtui.models.entities import ALL_MODELS, OWNED_BY_HUB, OWNED_BY_STATION, SYNCED
from kjtui.models.sync_state import SyncConflict, SyncParked, SyncPeer, SyncReceived

__all__ = [
    "HUB", "BaseModel", "SyncModel", "derived_id", "new_id", "uuid7", "close", "connect", "database",
    "resolve_url", "ALL_MODELS", "OWNED_BY_HUB", "OWNED_BY_STATION", "SYNCED",
    "SyncConflict", "SyncParked", "SyncPeer", "SyncReceived",
]
