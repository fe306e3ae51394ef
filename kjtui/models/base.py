"""What every synced record carries (docs/ARCHITECTURE.md, section 3): a UUID never reused, its owner, a
revision, a hybrid logical clock stamp and a tombstone flag."""

from __future__ import annotations

import hashlib
import os
import time

import peewee

from kjtui.models.db import database

HUB = "hub"  # the owner name of every hub-owned record


def uuid7(ms: int, rand: int) -> str:
    """The UUIDv7 layout (RFC 9562) as 32 hex digits: 48 bits of milliseconds, the version,
    74 bits of `rand`, the variant."""
    value = ((ms & ((1 << 48) - 1)) << 80) | (0x7 << 76) | (((rand >> 62) & 0xFFF) << 64) | (
        0b10 << 62) | (rand & ((1 << 62) - 1))
    return f"{value:032x}"


def new_id() -> str:
    """A UUIDv7: time-ordered, so inserts append to the index and sequential ids in a bundle
    compress; 74 random bits keep it unique when a laptop's clock is wrong."""
    return uuid7(int(time.time() * 1000), int.from_bytes(os.urandom(10), "big") >> 6)


def derived_id(kind: str, of: str) -> str:
    """The one id a record of `kind` that exists once per `of` always has (a customer's PIN):
    every station writing it writes the same record, so two never collide on the database's
    UNIQUE index but meet as revisions of one record, owned by one station at a time."""
    return hashlib.blake2b(f"{kind}:{of}".encode(), digest_size=16).hexdigest()


class IdField(peewee.CharField):
    """UUID as 32 hex characters: the same text in SQLite, PostgreSQL and every bundle."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 32)
        super().__init__(**kwargs)


class BaseModel(peewee.Model):
    class Meta:
        database = database
        legacy_table_names = False


class SyncModel(BaseModel):
    """A record that travels between station and hub."""

    id = IdField(primary_key=True, default=new_id)
    owner = peewee.CharField(max_length=40, default=HUB)  # station id, or "hub"
    rev = peewee.IntegerField(default=1)
    hlc = peewee.BigIntegerField(default=0)  # hybrid logical clock: ms << 16 | counter
    deleted = peewee.BooleanField(default=False)

    # Records whose content is vouched for (a customer acknowledged it, a supervisor reviewed it)
    # are never edited: a correction is a new record that supersedes the old one.
    immutable_once_signed = False
    # Fields of a record that exists once per their values (one day log a manager and day): its
    # id is derived from them (`derived_id`), so two laptops of one manager, or two managers of
    # one customer, writing it write one record, never two rows that break a UNIQUE index.
    one_per: tuple[str, ...] = ()
