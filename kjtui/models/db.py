"""The one database layer for both ends: SQLite at a post, SQLite or PostgreSQL at the hub.

Nothing connects at import time: `connect(url)` binds the proxy that every model uses.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import peewee
from playhouse.db_url import connect as url_connect

database = peewee.DatabaseProxy()

# Power cuts at posts are normal: every notebook write is fsynced (synchronous=FULL).
SQLITE_PRAGMAS = (
    ("journal_mode", "wal"),
    ("foreign_keys", 1),
    ("synchronous", "full"),
    ("busy_timeout", 5000),
)

APP_NAME = "kjtui"
_bound_url: str | None = None


class DatabaseError(Exception):
    """A database that cannot be used, told in one sentence for the user (a catalog key)."""

    def __init__(self, key: str, **params):
        super().__init__(key)
        self.key = key
        self.params = params


def default_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / "kjtui.db"


def resolve_url(db: str | os.PathLike | None = None) -> str:
    """--db beats KJTUI_DB beats the platformdirs default. Plain paths become sqlite URLs."""
    value = os.fspath(db) if db else os.environ.get("KJTUI_DB") or os.fspath(default_path())
    if "://" in value:
        return value
    return "sqlite:///" + os.path.abspath(value)


def sqlite_path(url: str) -> Path | None:
    if url.startswith("sqlite:///"):
        return Path(url[len("sqlite:///") :])
    return None


def check_sqlite_target(path: Path, *, create: bool) -> None:
    """Refuse, before anything is created, a path we could not or should not use."""
    if path.exists():
        if not path.is_file():
            raise DatabaseError("db.not_a_file", path=str(path))
        with open(path, "rb") as fh:
            head = fh.read(16)
        if head and head != b"SQLite format 3\x00":
            raise DatabaseError("db.not_kjtui", path=str(path))
        if not os.access(path, os.R_OK | os.W_OK):
            raise DatabaseError("db.read_only", path=str(path))
        if not os.access(path.parent, os.W_OK):
            # WAL needs its -wal and -shm files beside the database.
            raise DatabaseError("db.read_only_dir", path=str(path.parent))
        return
    if not create:
        raise DatabaseError("db.missing", path=str(path))
    if not path.parent.is_dir():
        raise DatabaseError("db.missing_dir", path=str(path.parent))
    if not os.access(path.parent, os.W_OK):
        raise DatabaseError("db.read_only_dir", path=str(path.parent))


def open_database(url: str) -> peewee.Database:
    """A peewee database for a URL; SQLite gets its pragmas (they mean nothing to PostgreSQL)."""
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        return peewee.SqliteDatabase(
            str(path) if path else ":memory:",
            pragmas=SQLITE_PRAGMAS,
            check_same_thread=False,
            autoconnect=True,
        )
    return url_connect(url, autoconnect=True)


def connect(url: str, *, create: bool = True, migrate: bool = True) -> peewee.Database:
    """Bind the models to the database at `url` and bring its schema up to date.

    Raises DatabaseError (with a catalog key) for a path that cannot be used, a file that is not
    a kjtui database, or a database written by a newer kjtui; in each case no file is touched.
    """
    from kjtui.models import migrations

    global _bound_url
    if url == _bound_url and database.obj is not None:
        return database.obj  # already bound (a worker thread gets its own connection lazily)
    path = sqlite_path(url)
    if path is not None:
        check_sqlite_target(path, create=create)
        if path.exists() and path.stat().st_size:
            migrations.check_readable(path)
    db = open_database(url)
    database.initialize(db)
    try:
        db.connect(reuse_if_open=True)
    except (peewee.OperationalError, sqlite3.OperationalError) as exc:
        raise DatabaseError("db.cannot_open", path=url, reason=str(exc)) from exc
    if migrate:
        migrations.upgrade(db)
        _bound_url = url
    return db


def close() -> None:
    global _bound_url
    _bound_url = None
    obj = database.obj
    if obj is not None and not obj.is_closed():
        obj.close()
