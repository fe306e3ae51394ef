"""0011: an acknowledgement's proof is a link of a chain (kjtui.models.pins.ProofChain,
docs/ACKNOWLEDGEMENT.md): a chain's first proof carries the chain's key sealed to the hub, 130
characters, more than the 100 a proof sealed on its own needed. SQLite does not enforce a
VARCHAR's length (the models and the hub's import check it), so only PostgreSQL changes."""

from __future__ import annotations


def upgrade(db, migrator) -> None:
    from kjtui.models.migrations import is_sqlite

    if not is_sqlite(db):
        db.execute_sql('ALTER TABLE "acknowledgement" ALTER COLUMN "proof" TYPE VARCHAR(160)')
