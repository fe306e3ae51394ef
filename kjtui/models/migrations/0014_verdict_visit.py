"""0014: on PostgreSQL, a verdict's visit is no longer a foreign key of its own. It is always
its acknowledgement's visit (kjtui.models.hub_pins, sync.acknowledgements), and the
acknowledgement's own foreign key already holds it. Measured on 85,000 verdicts: COPY with both
keys 1.7 s, with the acknowledgement's alone 1.2 s (the upsert before it: 2.0 s). SQLite
keeps the table as it is: it would have to be rebuilt, and there the verdicts are not what
takes the time."""

from __future__ import annotations


def upgrade(db, migrator) -> None:
    from kjtui.models.migrations import is_sqlite

    if not is_sqlite(db):
        db.execute_sql('ALTER TABLE "ack_verdict" DROP CONSTRAINT IF EXISTS '
                       '"ack_verdict_visit_id_fkey"')
