"""0005: the customer search index (SQLite, kjtui.models.search_index); PostgreSQL searches with
ILIKE and gets a plain index on phone."""

from __future__ import annotations


def upgrade(db, migrator) -> None:
    from kjtui.models import search_index
    from kjtui.models.migrations import is_sqlite

    db.execute_sql('CREATE INDEX "customer_phone" ON "customer" ("phone")')
    if not is_sqlite(db):
        return  # PostgreSQL: ILIKE over the base table (kjtui.services.search)
    for statement in search_index.sqlite_statements() + search_index.backfill_statements():
        db.execute_sql(statement)
