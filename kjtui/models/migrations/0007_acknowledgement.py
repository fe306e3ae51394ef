"""0007: an acknowledgement a manager cannot forge (docs/ACKNOWLEDGEMENT.md).

- `customer_pin` keeps only a salt, a 6-bit check and K sealed to the hub; a customer may have
  several PIN records over time (a reset is a new record), so its unique index on the customer
  becomes a plain one.
- PIN rows written before this migration held a full scrypt hash of a 4-6 digit PIN: with the
  laptop's file, ten thousand to a million tries gave the PIN away. They cannot be converted
  without the PIN, so every row is kept (nothing is lost: the record, its customer and when it
  was set) but its hash is erased, here and in the journal entries that would carry it again;
  `check_bits` NULL marks it, and that customer chooses a new 6-digit PIN at the next visit.
  On SQLite the erased hashes are overwritten on disk too (secure_delete).
- `acknowledgement` names the PIN record and carries the proof for the hub.
- PIN reset requests (station-owned) and the county's decisions (hub-owned).
- Hub-only bookkeeping, never synced: the opened verifiers and each acknowledgement's verdict.
"""

from __future__ import annotations

import json

STATEMENTS = [
    'CREATE TABLE "pin_reset_request" ("id" VARCHAR(32) NOT NULL PRIMARY KEY, '
    '"owner" VARCHAR(40) NOT NULL, "rev" INTEGER NOT NULL, "hlc" BIGINT NOT NULL, '
    '"deleted" BOOLEAN NOT NULL, "customer_id" VARCHAR(32) NOT NULL, '
    '"requested_at" TIMESTAMP NOT NULL, "note" VARCHAR(120) NOT NULL, '
    'FOREIGN KEY ("customer_id") REFERENCES "customer" ("id"))',
    'CREATE INDEX "pin_reset_request_customer_id" ON "pin_reset_request" ("customer_id")',
    'CREATE TABLE "pin_reset_decision" ("id" VARCHAR(32) NOT NULL PRIMARY KEY, '
    '"owner" VARCHAR(40) NOT NULL, "rev" INTEGER NOT NULL, "hlc" BIGINT NOT NULL, '
    '"deleted" BOOLEAN NOT NULL, "request_id" VARCHAR(32) NOT NULL, "approved" BOOLEAN NOT NULL, '
    '"note" VARCHAR(120) NOT NULL, "decided_by_id" VARCHAR(32), "decided_at" TIMESTAMP NOT NULL, '
    'FOREIGN KEY ("request_id") REFERENCES "pin_reset_request" ("id"), '
    'FOREIGN KEY ("decided_by_id") REFERENCES "supervisor" ("id"))',
    'CREATE UNIQUE INDEX "pin_reset_decision_request_id" ON "pin_reset_decision" ("request_id")',
    'ALTER TABLE "customer_pin" ADD COLUMN "check_bits" INTEGER '
    'CHECK (check_bits IS NULL OR check_bits BETWEEN 0 AND 63)',
    'ALTER TABLE "customer_pin" ADD COLUMN "verifier" TEXT NOT NULL DEFAULT \'\'',
    'ALTER TABLE "customer_pin" ADD COLUMN "reset_id" VARCHAR(32) '
    'REFERENCES "pin_reset_request" ("id")',
    'DROP INDEX "customer_pin_customer_id"',
    'CREATE INDEX "customer_pin_customer_id" ON "customer_pin" ("customer_id")',
    'ALTER TABLE "acknowledgement" ADD COLUMN "pin_id" VARCHAR(32) '
    'REFERENCES "customer_pin" ("id")',
    'ALTER TABLE "acknowledgement" ADD COLUMN "proof" VARCHAR(100) NOT NULL DEFAULT \'\'',
    'CREATE INDEX "acknowledgement_pin_id" ON "acknowledgement" ("pin_id")',
    'CREATE TABLE "pin_verifier" ("pin_id" VARCHAR(32) NOT NULL PRIMARY KEY, '
    '"customer_id" VARCHAR(32) NOT NULL, "key" VARCHAR(64) NOT NULL, "refusal" VARCHAR(40), '
    '"opened_at" TIMESTAMP NOT NULL, FOREIGN KEY ("pin_id") REFERENCES "customer_pin" ("id"), '
    'FOREIGN KEY ("customer_id") REFERENCES "customer" ("id"))',
    'CREATE INDEX "pin_verifier_customer_id" ON "pin_verifier" ("customer_id")',
    'CREATE TABLE "ack_verdict" ("ack_id" VARCHAR(32) NOT NULL PRIMARY KEY, '
    '"visit_id" VARCHAR(32) NOT NULL, "passed" BOOLEAN NOT NULL, "reason" VARCHAR(40) NOT NULL, '
    '"checked_at" TIMESTAMP NOT NULL, FOREIGN KEY ("ack_id") REFERENCES "acknowledgement" ("id"), '
    'FOREIGN KEY ("visit_id") REFERENCES "visit" ("id"))',
    'CREATE INDEX "ack_verdict_visit_id" ON "ack_verdict" ("visit_id")',
]

# What an old journal entry lacks: the exporter sends every column, so an entry written before
# this migration and not yet acknowledged gets the new columns' values here.
NEW_COLUMNS = {
    "customer_pin": {"pin_hash": "", "check_bits": None, "verifier": "", "reset_id": None},
    "acknowledgement": {"pin_id": None, "proof": ""},
}


def upgrade(db, migrator) -> None:
    from kjtui.models.migrations import is_sqlite

    sqlite = is_sqlite(db)
    if sqlite:
        # Erased hashes are overwritten with zeros, not left in free pages of the file.
        db.execute_sql("PRAGMA secure_delete = ON")
    for statement in STATEMENTS:
        db.execute_sql(statement)
    db.execute_sql('UPDATE "customer_pin" SET "pin_hash" = \'\'')
    p = db.param
    for table, columns in NEW_COLUMNS.items():
        rows = db.execute_sql(
            f'SELECT "seq", "payload" FROM "journal_entry" WHERE "table_name" = {p}', (table,)
        ).fetchall()
        for seq, payload in rows:
            record = json.loads(payload)
            record.update({c: v for c, v in columns.items() if c == "pin_hash" or c not in record})
            db.execute_sql(f'UPDATE "journal_entry" SET "payload" = {p} WHERE "seq" = {p}',
                           (json.dumps(record, ensure_ascii=False, separators=(",", ":")), seq))
