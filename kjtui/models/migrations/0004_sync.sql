-- 0004: what sync remembers about the other nodes. On the hub one peer row per station and
-- incarnation (keys, acknowledgements, revoked, clock skew); on a station one row for the hub.
-- Received ranges keep one short digest per sequence number, so a resent seq is recognised as
-- the same (skipped) or as a fork (refused). Parked bundles wait here (base64, portable TEXT)
-- for the range they follow. Conflicts keep every value that lost, nothing is dropped.
CREATE TABLE "sync_peer" ("node" VARCHAR(40) NOT NULL, "incarnation" INTEGER NOT NULL, "sign_pub" VARCHAR(64) NOT NULL, "kem_pub" VARCHAR(64) NOT NULL, "revoked" BOOLEAN NOT NULL, "acked_seq" BIGINT NOT NULL, "their_ack" BIGINT NOT NULL, "their_clock" BIGINT NOT NULL, "skew_ms" BIGINT NOT NULL, "skew_flagged" BOOLEAN NOT NULL, "missing" TEXT NOT NULL, "enrolled_at" VARCHAR(32) NOT NULL, "last_import_at" VARCHAR(32) NOT NULL, PRIMARY KEY ("node", "incarnation"));
CREATE TABLE "sync_received" ("node" VARCHAR(40) NOT NULL, "incarnation" INTEGER NOT NULL, "first_seq" BIGINT NOT NULL, "last_seq" BIGINT NOT NULL, "digests" TEXT NOT NULL, PRIMARY KEY ("node", "incarnation", "first_seq"));
CREATE TABLE "sync_parked" ("node" VARCHAR(40) NOT NULL, "incarnation" INTEGER NOT NULL, "first_seq" BIGINT NOT NULL, "last_seq" BIGINT NOT NULL, "data" TEXT NOT NULL, "received_at" VARCHAR(32) NOT NULL, PRIMARY KEY ("node", "incarnation", "first_seq"));
CREATE TABLE "sync_conflict" ("id" VARCHAR(32) NOT NULL PRIMARY KEY, "node" VARCHAR(40) NOT NULL, "kind" VARCHAR(20) NOT NULL, "table_name" VARCHAR(40) NOT NULL, "record_id" VARCHAR(32) NOT NULL, "detail" TEXT NOT NULL, "at" VARCHAR(32) NOT NULL, "resolved" BOOLEAN NOT NULL);
