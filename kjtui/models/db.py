"""The one database layer for both ends: SQLite at a post, SQLite or PostgreSQL at the hub.

Nothing connects at import time: `connect(url)` binds the proxy that every model uses.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager

import peewee

from kjtui.dbfile import (  # noqa: F401  (re-exported: the database layer's public names)
    check,
    check_sqlite_target,
    default_path,
    resolve_url,
    sqlite_path,
)
from kjtui.exception import DatabaseError

database = peewee.DatabaseProxy()

# Power cuts at posts are normal: every notebook write is fsynced (synchronous=FULL).
SQLITE_PRAGMAS = (
    ("journal_mode", "wal"),
    ("foreign_keys", 1),
    ("synchronous", "full"),
    ("busy_timeout", 5000),
)

_bound_url: str | None = None

# Any constant: the key of the PostgreSQL advisory lock every writer of the journal or the clock
# takes (see serialize_writers).
_WRITERS_LOCK = 0x6B6A747569


def serialize_writers() -> None:
    """Make this transaction the only one writing the journal and the clock until it ends.

    The journal's seq is gapless and the clock's stamps only go up, so two writers must take
    turns. SQLite already lets one transaction write at a time; two hub processes on one
    PostgreSQL database take a transaction-level advisory lock, so the database decides, not a
    lock inside one process (it is released at commit or rollback, and taken again for free by
    the same transaction)."""
    db = database.obj
    if isinstance(db, peewee.PostgresqlDatabase) and db.in_transaction():
        db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (_WRITERS_LOCK,))


# Rows in one query when asked for by id: SQLite binds a bounded number of variables, so lists
# go in pieces; PostgreSQL takes the whole list as one array.
CHUNK = 400


def in_chunks(db, values: list) -> list[list]:
    """`values` in the pieces one query of `one_of` takes."""
    if isinstance(db, peewee.PostgresqlDatabase):
        return [values] if values else []
    return [values[i : i + CHUNK] for i in range(0, len(values), CHUNK)]


def one_of(db, column: str, values: list) -> tuple[str, list]:
    """SQL for "`column` is one of `values`", with its parameters: `= ANY(%s)` and one array on
    PostgreSQL (a query of hundreds of placeholders costs psycopg more to parse than the server
    to run), `IN (?, ...)` on SQLite."""
    if isinstance(db, peewee.PostgresqlDatabase):
        return f"{column} = ANY(%b)", [list(values)]  # %b: sent binary, no quoting per item
    return f"{column} IN ({', '.join([db.param] * len(values))})", list(values)


def among(field, values: list):
    """The peewee expression "`field` is one of `values`" (one_of for a query built by peewee)."""
    if isinstance(database.obj, peewee.PostgresqlDatabase):
        return field == peewee.SQL("ANY(%b)", (list(values),))  # bound as is, one binary array
    return field.in_(list(values))


def register_sql_functions(db) -> None:
    """The pinyin of customers' names (kjtui.models.pinyin) as SQL functions, on every
    connection `db` opens (a peewee SqliteDatabase; or one sqlite3 connection, for a tool that
    writes customers outside kjtui): the search index's triggers call them, and a connection
    without them cannot change a customer's names (kjtui.models.search_index)."""
    from kjtui.models import pinyin

    functions = (("kjtui_pinyin", 2, pinyin.syllables), ("kjtui_pinyin_tokens", 1, pinyin.tokens))
    for name, n, fn in functions:
        if isinstance(db, sqlite3.Connection):
            db.create_function(name, n, fn, deterministic=True)
        else:
            db.register_function(fn, name, n, deterministic=True)


def open_database(url: str) -> peewee.Database:
    """A peewee database for a URL; SQLite gets its pragmas (they mean nothing to PostgreSQL)
    and the SQL functions the search index's triggers call (register_sql_functions)."""
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        db = peewee.SqliteDatabase(
            str(path) if path else ":memory:",
            pragmas=SQLITE_PRAGMAS,
            check_same_thread=False,
            autoconnect=True,
        )
        register_sql_functions(db)
        return db
    # Only the hub on PostgreSQL gets here: playhouse.db_url imports every playhouse backend.
    from playhouse.db_url import connect as url_connect

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
    check(url, create=create)
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


@contextmanager
def bulk_writes(*, new_file: bool):
    """For a loader writing a whole county at once on SQLite: a page cache big enough for a
    year of visits' indexes and, in a file being born (nothing in it to lose), no fsyncs.
    Afterwards the notebook's own settings are back and the WAL is folded into the file."""
    db = database.obj
    if not isinstance(db, peewee.SqliteDatabase):
        yield
        return
    cache = db.execute_sql("PRAGMA cache_size").fetchone()[0]
    db.execute_sql("PRAGMA cache_size=-262144")
    if new_file:
        db.execute_sql("PRAGMA synchronous=OFF")
    try:
        yield
    finally:
        db.execute_sql(f"PRAGMA cache_size={int(cache)}")
        if new_file:
            db.execute_sql("PRAGMA synchronous=FULL")
            db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
