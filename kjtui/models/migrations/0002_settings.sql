-- 0002: this laptop's own settings (language, who is signed in). Local, never synced.
CREATE TABLE "setting" ("key" VARCHAR(40) NOT NULL PRIMARY KEY, "value" TEXT NOT NULL);
