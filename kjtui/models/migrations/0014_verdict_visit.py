"""0014: on PostgreSQL, a verdict's visit is no longer a foreign key of its own. It is always
its acknowledgement's visit (kjtui.models.hub_pins, sync.acknowledgements), and the
acknowledgement's own foreign key already holds it; the second check cost a year's import about
a second (a county's 85,000 verdicts, written by COPY). SQLite keeps the table as it is: it
would have to be rebuilt, and there the verdicts are not what takes the time."""

from __future__ import annotations


def upgrade(db, migrator) -> None:
    from kjtui.models.migrations import is_sqlite

    if not is_sqlite(db):
        db.execute_sql('ALTER TABLE "ack_verdict" DROP CONSTRAINT IF EXISTS '
                       '"ack_verdict_visit_id_fkey"')
