-- 0010: the month's close (kjtui.services.month_close). Each run of `kjtui month close` is a
-- month_close record (hub-owned, it stays at the hub; a later run supersedes it, a reopen ends
-- it), and a score says which of its parts had no data that month (stored as 0, never counted
-- as a figure). Existing scores have no missing part recorded.
ALTER TABLE "monthly_score" ADD COLUMN "missing" TEXT NOT NULL DEFAULT '';
CREATE TABLE "month_close" ("id" VARCHAR(32) NOT NULL PRIMARY KEY, "owner" VARCHAR(40) NOT NULL, "rev" INTEGER NOT NULL, "hlc" BIGINT NOT NULL, "deleted" BOOLEAN NOT NULL, "month" DATE NOT NULL, "run" INTEGER NOT NULL, "state" VARCHAR(10) NOT NULL, "closed_at" TIMESTAMP NOT NULL, "closed_by" VARCHAR(40) NOT NULL, "rules" VARCHAR(16) NOT NULL, "ranked" INTEGER NOT NULL, "changes" TEXT NOT NULL, "reason" TEXT NOT NULL, "reopened_by" VARCHAR(40) NOT NULL, CHECK (state IN ('closed', 'superseded', 'reopened')));
CREATE UNIQUE INDEX "month_close_month_run" ON "month_close" ("month", "run");
