"""Numbered migrations: the only way the schema is created or changed.

A migration is a file `NNNN_name.sql` (portable SQL, statements ending in `;` at a line's end)
or `NNNN_name.py` with `upgrade(db, migrator)` (a `playhouse.migrate` migrator for the dialect).
`kjtui_schema` remembers which were applied; all pending ones run in one transaction, so a
laptop that missed three releases upgrades in place or not at all.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from kjtui.dbfile import SCHEMA_TABLE, check_readable, migration_files  # noqa: F401


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path

    def apply(self, db) -> None:
        if self.path.suffix == ".sql":
            for statement in split_sql(self.path.read_text(encoding="utf-8")):
                db.execute_sql(statement)
            return
        from playhouse.migrate import PostgresqlMigrator, SqliteMigrator

        spec = importlib.util.spec_from_file_location(f"kjtui_migration_{self.version}", self.path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        migrator = SqliteMigrator(db) if is_sqlite(db) else PostgresqlMigrator(db)
        module.upgrade(db, migrator)


def is_sqlite(db) -> bool:
    import peewee

    return isinstance(db, peewee.SqliteDatabase)


def split_sql(text: str) -> list[str]:
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
    return [s.strip() for s in re.split(r";\s*$", body, flags=re.M) if s.strip()]


def available() -> list[Migration]:
    found = [Migration(v, name, path) for v, name, path in migration_files()]
    versions = [m.version for m in found]
    assert len(set(versions)) == len(versions), f"two migrations share a number: {versions}"
    return found


def latest() -> int:
    return max(m.version for m in available())


def current_version(db) -> int:
    if SCHEMA_TABLE not in db.get_tables():
        return 0
    row = db.execute_sql(f'SELECT MAX(version) FROM "{SCHEMA_TABLE}"').fetchone()
    return row[0] or 0


def upgrade(db, target: int | None = None) -> list[int]:
    """Apply every pending migration up to `target` (default: all) in one transaction."""
    from kjtui.exception import DatabaseError

    target = latest() if target is None else target
    with db.atomic():
        db.execute_sql(
            f'CREATE TABLE IF NOT EXISTS "{SCHEMA_TABLE}" '
            '("version" INTEGER NOT NULL PRIMARY KEY, "name" VARCHAR(80) NOT NULL, '
            '"applied_at" VARCHAR(32) NOT NULL)'
        )
        have = current_version(db)
        if have > latest():
            raise DatabaseError("db.too_new", path=str(db.database), version=have, latest=latest())
        applied = []
        for migration in available():
            if have < migration.version <= target:
                migration.apply(db)
                p = db.param
                db.execute_sql(
                    f'INSERT INTO "{SCHEMA_TABLE}" (version, name, applied_at) VALUES ({p}, {p}, {p})',
                    (migration.version, migration.name, datetime.now(UTC).isoformat()),
                )
                applied.append(migration.version)
    return applied
