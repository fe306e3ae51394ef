-- 0006: sync that never strands a station. held_record keeps a station's record the hub did not
-- apply (the rule it breaks, what was sent, what the hub held) until the administrator decides;
-- it travels back to its station. handover remembers a customer or route given from one manager
-- to another, so the old station's records written before it heard still apply and both
-- stations hear of it. sync_peer.replaced_at: an incarnation replaced by a re-issued enrollment
-- stays accepted until the administrator retires it.
CREATE TABLE "handover" ("id" VARCHAR(32) NOT NULL PRIMARY KEY, "owner" VARCHAR(40) NOT NULL, "rev" INTEGER NOT NULL, "hlc" BIGINT NOT NULL, "deleted" BOOLEAN NOT NULL, "kind" VARCHAR(10) NOT NULL, "record_id" VARCHAR(32) NOT NULL, "from_station" VARCHAR(40) NOT NULL, "to_station" VARCHAR(40) NOT NULL, "at" TIMESTAMP NOT NULL, CHECK (kind IN ('customer', 'route')));
CREATE INDEX "handover_record_id" ON "handover" ("record_id");
CREATE INDEX "handover_from_station" ON "handover" ("from_station");
CREATE TABLE "held_record" ("id" VARCHAR(32) NOT NULL PRIMARY KEY, "owner" VARCHAR(40) NOT NULL, "rev" INTEGER NOT NULL, "hlc" BIGINT NOT NULL, "deleted" BOOLEAN NOT NULL, "station" VARCHAR(40) NOT NULL, "incarnation" INTEGER NOT NULL, "seq" BIGINT NOT NULL, "table_name" VARCHAR(40) NOT NULL, "record_id" VARCHAR(32) NOT NULL, "record_rev" INTEGER NOT NULL, "reason" VARCHAR(40) NOT NULL, "params" TEXT NOT NULL, "incoming" TEXT NOT NULL, "current" TEXT NOT NULL, "held_at" TIMESTAMP NOT NULL, "state" VARCHAR(10) NOT NULL, "decided_at" TIMESTAMP, "decided_by_id" VARCHAR(32), "note" TEXT NOT NULL, FOREIGN KEY ("decided_by_id") REFERENCES "supervisor" ("id"), CHECK (state IN ('held', 'accepted', 'rejected', 'superseded')));
CREATE INDEX "held_record_decided_by_id" ON "held_record" ("decided_by_id");
CREATE INDEX "held_record_station_state" ON "held_record" ("station", "state");
CREATE INDEX "held_record_table_name_record_id" ON "held_record" ("table_name", "record_id");
ALTER TABLE "sync_peer" ADD COLUMN "replaced_at" VARCHAR(32) NOT NULL DEFAULT '';
