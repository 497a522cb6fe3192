ALTER TABLE "credits" DROP CONSTRAINT "credits_program_id_programs_id_fk";
--> statement-breakpoint
ALTER TABLE "credits" DROP CONSTRAINT "credits_project_id_projects_id_fk";
--> statement-breakpoint
ALTER TABLE "raw_records" DROP CONSTRAINT "raw_records_program_id_programs_id_fk";
--> statement-breakpoint
ALTER TABLE "raw_records" DROP CONSTRAINT "raw_records_first_seen_run_id_sync_runs_id_fk";
--> statement-breakpoint
ALTER TABLE "raw_records" DROP CONSTRAINT "raw_records_last_seen_run_id_sync_runs_id_fk";
--> statement-breakpoint
DROP INDEX "raw_records_last_seen";--> statement-breakpoint
-- The composite foreign keys need their targets unique first.
ALTER TABLE "projects" ADD CONSTRAINT "projects_id_program" UNIQUE("id","program_id");--> statement-breakpoint
ALTER TABLE "sync_runs" ADD CONSTRAINT "sync_runs_id_program" UNIQUE("id","program_id");--> statement-breakpoint
ALTER TABLE "credits" ADD CONSTRAINT "credits_project_fk" FOREIGN KEY ("project_id","program_id") REFERENCES "public"."projects"("id","program_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "raw_records" ADD CONSTRAINT "raw_records_first_seen_run_fk" FOREIGN KEY ("first_seen_run_id","program_id") REFERENCES "public"."sync_runs"("id","program_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "raw_records" DROP COLUMN "last_seen_run_id";
