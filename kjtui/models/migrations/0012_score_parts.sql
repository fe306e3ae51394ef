-- 0012: two more parts of the monthly score (issue 13): the four basic-work checks and the
-- customer's satisfaction recorded at each visit. A score closed before this release did not
-- count them: it says so in `missing` ("not_counted"), never shows them as 0.
ALTER TABLE "monthly_score" ADD COLUMN "basic_work" DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE "monthly_score" ADD COLUMN "satisfaction" DOUBLE PRECISION NOT NULL DEFAULT 0;
UPDATE "monthly_score" SET "missing" = CASE WHEN "missing" = ''
    THEN 'basic_work:not_counted,satisfaction:not_counted'
    ELSE "missing" || ',basic_work:not_counted,satisfaction:not_counted' END;
