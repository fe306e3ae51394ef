"""What a database holds: `kjtui info` and the administrator's first look at a laptop."""

from __future__ import annotations

from kjtui.models import ALL_MODELS, database
from kjtui.models.migrations import current_version, latest


def database_summary() -> dict:
    """{"database", "schema_version", "schema_latest", "counts": {table: rows}} — stable keys."""
    db = database.obj
    tables = set(db.get_tables())
    counts = {}
    for model in ALL_MODELS:
        name = model._meta.table_name
        counts[name] = model.select().count() if name in tables else 0
    return {
        "database": str(db.database),
        "schema_version": current_version(db),
        "schema_latest": latest(),
        "counts": counts,
    }
