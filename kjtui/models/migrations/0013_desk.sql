-- 0013: the county office's desk (issue 11). Hub-only, never synced: the accounts of the people
-- at the hub's keyboard (Argon2id hashes, lockout), what each last saw of a manager's week, and
-- every decision with who made it and when. A week's review carries the notebook's score.
CREATE TABLE "account" ("name" VARCHAR(40) NOT NULL PRIMARY KEY, "role" VARCHAR(12) NOT NULL, "supervisor" VARCHAR(20) NOT NULL, "password_hash" TEXT NOT NULL, "disabled" BOOLEAN NOT NULL, "failures" INTEGER NOT NULL, "locked_until" TIMESTAMP, "created_at" TIMESTAMP NOT NULL, "changed_at" TIMESTAMP NOT NULL, CHECK (role IN ('admin', 'supervisor')));
CREATE TABLE "review_seen" ("key" VARCHAR(60) NOT NULL, "manager_id" VARCHAR(32) NOT NULL, "week" DATE NOT NULL, "seen_at" TIMESTAMP NOT NULL, "seen" TEXT NOT NULL, PRIMARY KEY ("key", "manager_id", "week"));
CREATE TABLE "decision" ("id" VARCHAR(32) NOT NULL PRIMARY KEY, "at" TIMESTAMP NOT NULL, "account" VARCHAR(40) NOT NULL, "kind" VARCHAR(20) NOT NULL, "record_id" VARCHAR(32) NOT NULL, "action" VARCHAR(12) NOT NULL, "note" TEXT NOT NULL);
CREATE INDEX "decision_record_id" ON "decision" ("record_id");
ALTER TABLE "weekly_review" ADD COLUMN "score" INTEGER CHECK (score IS NULL OR score BETWEEN 0 AND 100);
