"""0008: customers found by pinyin, full (wanfu) or initials (wfsd): the pinyin index of
kjtui.models.search_index, filled for the customers the notebook already holds. SQLite: a
table of syllables, an FTS5 index of the tokens spelt from them, and triggers that call the
SQL functions kjtui.models.db registers. PostgreSQL: a side table of tokens, kept by a queue
its triggers fill and the search empties."""

from __future__ import annotations


def upgrade(db, migrator) -> None:
    from kjtui.models import search_index
    from kjtui.models.migrations import is_sqlite

    if not is_sqlite(db):
        for statement in search_index.pg_pinyin_statements():
            db.execute_sql(statement)
        search_index.refresh_pg_pinyin(db)
        return
    for statement in (search_index.pinyin_table_statements()
                      + search_index.pinyin_backfill_statements()
                      + search_index.pinyin_trigger_statements()):
        db.execute_sql(statement)
