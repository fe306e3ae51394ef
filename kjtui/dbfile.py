"""Where the notebook lives and whether that file can be used — decided before peewee loads.

A station runs on SQLite only; this module lets `kjtui open` refuse a bad path, and keep the
PostgreSQL driver out of a station's start-up, without importing the database layer.
"""

from __future__ import annotations

import os
import re
import sqlite3
import sys
from contextlib import contextmanager
from pathlib import Path

from kjtui.exception import DatabaseError

APP_NAME = "kjtui"
MIGRATIONS_DIR = Path(__file__).parent / "models" / "migrations"
MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.(sql|py)$")
SCHEMA_TABLE = "kjtui_schema"



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


def migration_files() -> list[tuple[int, str, Path]]:
    found = []
    for path in sorted(MIGRATIONS_DIR.iterdir()):
        m = MIGRATION_NAME.match(path.name)
        if m:
            found.append((int(m.group(1)), m.group(2), path))
    return found


def latest_version() -> int:
    return max(v for v, _, _ in migration_files())


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
    if path == default_path().absolute():
        # The notebook's own home on a fresh machine: made on first use, like any app's data.
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            pass  # said below in the user's words
    if not path.parent.is_dir():
        raise DatabaseError("db.missing_dir", path=str(path.parent))
    if not os.access(path.parent, os.W_OK):
        raise DatabaseError("db.read_only_dir", path=str(path.parent))


@contextmanager
def peek(path: Path):
    """A read-only look at an existing SQLite file that writes nothing: no -wal or -shm is
    created (immutable), unless a -wal is already there and may hold the latest rows. Anything
    that is not a readable SQLite database is refused as not ours."""
    wal = path.with_name(path.name + "-wal")
    uri = f"file:{path}?mode=ro" + ("" if wal.exists() else "&immutable=1")
    try:
        con = sqlite3.connect(uri, uri=True)
        try:
            yield con
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseError("db.not_kjtui", path=str(path)) from exc


def tables_of(con) -> set[str]:
    return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def check_readable(path: Path) -> None:
    """Refuse an existing SQLite file that is not ours or was written by a newer kjtui."""
    with peek(path) as con:
        tables = tables_of(con)
        if not tables:
            return
        if SCHEMA_TABLE not in tables:
            raise DatabaseError("db.not_kjtui", path=str(path))
        version = con.execute(f'SELECT MAX(version) FROM "{SCHEMA_TABLE}"').fetchone()[0] or 0
    if version > latest_version():
        raise DatabaseError("db.too_new", path=str(path), version=version, latest=latest_version())


def check(url: str, *, create: bool = True) -> None:
    """Every check that needs no connection: path, file type, schema version."""
    path = sqlite_path(url)
    if path is None:
        return
    check_sqlite_target(path, create=create)
    if path.exists() and path.stat().st_size:
        check_readable(path)


def sqlite_only() -> None:
    """This process will only ever open SQLite: keep peewee from importing the PostgreSQL
    driver, which is most of its import time when the [pg] extra is installed."""
    for name in ("psycopg", "psycopg2"):
        if name not in sys.modules:
            sys.modules[name] = None  # peewee's `import psycopg` then fails fast and is skipped
