-- 0003: the journal of this node's own changes, in the order they were made. Each entry keeps
-- the record as it was written, so a sequence number always means the same content (a resent
-- seq with other content is a fork). "seq" is gapless per node.
CREATE TABLE "journal_entry" ("seq" BIGINT NOT NULL PRIMARY KEY, "table_name" VARCHAR(40) NOT NULL, "record_id" VARCHAR(32) NOT NULL, "rev" INTEGER NOT NULL, "hlc" BIGINT NOT NULL, "payload" TEXT NOT NULL);
CREATE INDEX "journal_entry_record" ON "journal_entry" ("table_name", "record_id");
