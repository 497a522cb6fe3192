CREATE TYPE "public"."credit_kind" AS ENUM('issuance', 'retirement', 'cancellation');--> statement-breakpoint
CREATE TYPE "public"."program_kind" AS ENUM('voluntary', 'compliance', 'crediting-mechanism');--> statement-breakpoint
CREATE TYPE "public"."raw_record_status" AS ENUM('pending', 'accepted', 'rejected');--> statement-breakpoint
CREATE TYPE "public"."sync_status" AS ENUM('running', 'succeeded', 'failed');--> statement-breakpoint
CREATE TABLE "credits" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "credits_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"program_id" text NOT NULL,
	"natural_key" text NOT NULL,
	"project_id" bigint NOT NULL,
	"kind" "credit_kind" NOT NULL,
	"kind_ambiguous" boolean DEFAULT false NOT NULL,
	"quantity" numeric(20, 4) NOT NULL,
	"vintage_year" integer,
	"vintage_start" date,
	"vintage_end" date,
	"transaction_date" date,
	"issuance_date" date,
	"serial_number" text,
	"serial_namespace" text,
	"serial_first" bigint,
	"serial_last" bigint,
	"serial_parts" jsonb,
	"country_code" text,
	"beneficiary" text,
	"beneficiary_normalized" text,
	"retirement_reason" text,
	"retirement_note" text,
	"use_case" text,
	"article6_authorization" text,
	"labels" text[] DEFAULT '{}'::text[] NOT NULL,
	"attributes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"content_hash" text NOT NULL,
	"raw_record_id" bigint,
	"vanished_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "programs" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" "program_kind" NOT NULL,
	"homepage" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "projects" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "projects_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"program_id" text NOT NULL,
	"registry_project_id" text NOT NULL,
	"completeness" text NOT NULL,
	"name" text,
	"proponent" text,
	"country_code" text,
	"country_name" text,
	"subdivision" text,
	"region" text,
	"latitude" double precision,
	"longitude" double precision,
	"project_types" text[] DEFAULT '{}'::text[] NOT NULL,
	"category" text,
	"methodologies" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" text,
	"registration_date" date,
	"crediting_period_start" date,
	"crediting_period_end" date,
	"sdgs" smallint[] DEFAULT '{}'::smallint[] NOT NULL,
	"additional_certifications" text[] DEFAULT '{}'::text[] NOT NULL,
	"estimated_annual_credits" numeric,
	"parent_registry_project_id" text,
	"cross_references" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"attributes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"content_hash" text NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"vanished_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "raw_records" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "raw_records_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"program_id" text NOT NULL,
	"source_kind" text NOT NULL,
	"natural_key" text NOT NULL,
	"content_hash" text NOT NULL,
	"payload" jsonb NOT NULL,
	"first_seen_run_id" bigint NOT NULL,
	"last_seen_run_id" bigint NOT NULL,
	"status" "raw_record_status" DEFAULT 'pending' NOT NULL,
	"normalizer_version" integer,
	"rejection_reason" text,
	"rejection_detail" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_runs" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "sync_runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"program_id" text NOT NULL,
	"source" text NOT NULL,
	"trigger" text NOT NULL,
	"status" "sync_status" DEFAULT 'running' NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"fetched" integer DEFAULT 0 NOT NULL,
	"inserted" integer DEFAULT 0 NOT NULL,
	"updated" integer DEFAULT 0 NOT NULL,
	"unchanged" integer DEFAULT 0 NOT NULL,
	"rejected" integer DEFAULT 0 NOT NULL,
	"vanished" integer DEFAULT 0 NOT NULL,
	"watermark" text,
	"failure_type" text,
	"error" text
);
--> statement-breakpoint
ALTER TABLE "credits" ADD CONSTRAINT "credits_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credits" ADD CONSTRAINT "credits_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "projects" ADD CONSTRAINT "projects_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "raw_records" ADD CONSTRAINT "raw_records_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "raw_records" ADD CONSTRAINT "raw_records_first_seen_run_id_sync_runs_id_fk" FOREIGN KEY ("first_seen_run_id") REFERENCES "public"."sync_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "raw_records" ADD CONSTRAINT "raw_records_last_seen_run_id_sync_runs_id_fk" FOREIGN KEY ("last_seen_run_id") REFERENCES "public"."sync_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD CONSTRAINT "sync_runs_program_id_programs_id_fk" FOREIGN KEY ("program_id") REFERENCES "public"."programs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "credits_program_natural_key" ON "credits" USING btree ("program_id","natural_key");--> statement-breakpoint
CREATE INDEX "credits_project" ON "credits" USING btree ("project_id","id");--> statement-breakpoint
CREATE INDEX "credits_program_vintage" ON "credits" USING btree ("program_id","vintage_year","id");--> statement-breakpoint
CREATE INDEX "credits_kind" ON "credits" USING btree ("kind","id");--> statement-breakpoint
CREATE INDEX "credits_serial" ON "credits" USING btree ("serial_namespace","serial_first");--> statement-breakpoint
CREATE UNIQUE INDEX "projects_program_registry_id" ON "projects" USING btree ("program_id","registry_project_id");--> statement-breakpoint
CREATE INDEX "projects_country" ON "projects" USING btree ("country_code");--> statement-breakpoint
CREATE INDEX "projects_name_trgm" ON "projects" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "projects_proponent_trgm" ON "projects" USING gin ("proponent" gin_trgm_ops);--> statement-breakpoint
CREATE UNIQUE INDEX "raw_records_version" ON "raw_records" USING btree ("program_id","source_kind","natural_key","content_hash");--> statement-breakpoint
CREATE INDEX "raw_records_last_seen" ON "raw_records" USING btree ("last_seen_run_id","id");--> statement-breakpoint
CREATE INDEX "raw_records_rejected" ON "raw_records" USING btree ("program_id","status");--> statement-breakpoint
CREATE INDEX "sync_runs_program_started" ON "sync_runs" USING btree ("program_id","started_at");