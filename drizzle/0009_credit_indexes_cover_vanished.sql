-- The credit indexes the API's filters and counts use carry `vanished_at`, so a count of live
-- credits (every connection's totalCount: `vanished_at is null` and a program and vintage, or a
-- project) is answered from the index alone, without reading each credit's row: at market size
-- the count of Verra's credits of vintages 2018-2022 (255,000 of 800,000) took 247 ms as a
-- scan of the table and 31 ms from the index (docs/benchmarks.md, sixth round). An index-only
-- scan needs the table's visibility map, which VACUUM sets: after a run that wrote many rows the
-- hub vacuums the tables it wrote (src/db/statistics.ts). drizzle's index builder has no INCLUDE,
-- so schema.ts declares these indexes by name and columns, and this migration gives them the
-- included column.
DROP INDEX IF EXISTS "credits_program_vintage";--> statement-breakpoint
CREATE INDEX "credits_program_vintage" ON "credits" USING btree ("program_id", "vintage_year", "id") INCLUDE ("vanished_at");--> statement-breakpoint
DROP INDEX IF EXISTS "credits_project";--> statement-breakpoint
CREATE INDEX "credits_project" ON "credits" USING btree ("project_id", "id") INCLUDE ("vanished_at");
