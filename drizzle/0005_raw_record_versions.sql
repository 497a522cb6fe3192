CREATE TABLE "raw_record_sightings" (
	"run_id" bigint NOT NULL,
	"raw_record_id" bigint NOT NULL,
	CONSTRAINT "raw_record_sightings_run_id_raw_record_id_pk" PRIMARY KEY("run_id","raw_record_id")
);
--> statement-breakpoint
ALTER TABLE "raw_records" ADD COLUMN "superseded_run_id" bigint;--> statement-breakpoint
ALTER TABLE "raw_records" ADD CONSTRAINT "raw_records_superseded_run_id_sync_runs_id_fk" FOREIGN KEY ("superseded_run_id") REFERENCES "public"."sync_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "raw_records_first_seen" ON "raw_records" USING btree ("first_seen_run_id","id");--> statement-breakpoint
-- Backfill: a version stopped being current at the first complete run (succeeded, read something) after the last run that saw it.
UPDATE "raw_records" r SET "superseded_run_id" = (
	SELECT min(s."id") FROM "sync_runs" s
	 WHERE s."program_id" = r."program_id" AND s."status" = 'succeeded' AND s."fetched" > 0 AND s."id" > r."last_seen_run_id"
);
