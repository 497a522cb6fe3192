CREATE TYPE "public"."ccp_status" AS ENUM('APPROVED', 'APPROVED_CONDITIONAL', 'NOT_APPROVED', 'REMEDIAL_ACTION', 'WITHDRAWN', 'PENDING_ASSESSMENT', 'PROGRAM_NOT_ELIGIBLE', 'UNKNOWN_METHODOLOGY');--> statement-breakpoint
CREATE TABLE "ccp_decisions" (
	"reference_version" text NOT NULL,
	"id" text NOT NULL,
	"program_id" text NOT NULL,
	"category" text,
	"methodology" text NOT NULL,
	"methodology_id" text,
	"versions" text NOT NULL,
	"version_from" text,
	"version_to" text,
	"icvcm_status" text,
	"outcome" text NOT NULL,
	"conditional" boolean,
	"conditional_basis" text,
	"conditions" text[] DEFAULT '{}'::text[] NOT NULL,
	"batch" text,
	"decision_date" text,
	"date_precision" text,
	"effective_from" date,
	"decision_document" text,
	"board_observations" text,
	"board_meeting_ref" text,
	"group_id" text,
	"sources" text[] DEFAULT '{}'::text[] NOT NULL,
	"registry_strings" text[] DEFAULT '{}'::text[] NOT NULL,
	"notes" text,
	"position" integer NOT NULL,
	CONSTRAINT "ccp_decisions_reference_version_id_pk" PRIMARY KEY("reference_version","id")
);
--> statement-breakpoint
CREATE TABLE "ccp_label_runs" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "ccp_label_runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"reference_version" text NOT NULL,
	"evaluation_date" date NOT NULL,
	"program_ids" text[],
	"trigger" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"inserted" integer DEFAULT 0 NOT NULL,
	"updated" integer DEFAULT 0 NOT NULL,
	"unchanged" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ccp_programs" (
	"reference_version" text NOT NULL,
	"program_id" text NOT NULL,
	"name" text NOT NULL,
	"status" text NOT NULL,
	"decision_date" text,
	"date_precision" text,
	"effective_from" date,
	"scope" text,
	"scope_limited" boolean NOT NULL,
	"sources" text[] DEFAULT '{}'::text[] NOT NULL,
	"notes" text,
	"position" integer NOT NULL,
	CONSTRAINT "ccp_programs_reference_version_program_id_pk" PRIMARY KEY("reference_version","program_id")
);
--> statement-breakpoint
CREATE TABLE "ccp_reference_versions" (
	"version" text PRIMARY KEY NOT NULL,
	"as_of" date NOT NULL,
	"content_hash" text NOT NULL,
	"origin" text NOT NULL,
	"icvcm_table_date" date,
	"coverage" jsonb NOT NULL,
	"sources" jsonb NOT NULL,
	"label_rules" jsonb NOT NULL,
	"registry_fields" jsonb NOT NULL,
	"attributes" jsonb NOT NULL,
	"aliases" jsonb NOT NULL,
	"loaded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"activated_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "credit_labels" (
	"credit_id" bigint PRIMARY KEY NOT NULL,
	"status" "ccp_status" NOT NULL,
	"reasons" text[] NOT NULL,
	"reference_version" text NOT NULL,
	"decision_id" text,
	"issuing_program_id" text NOT NULL,
	"registry_flag" boolean,
	"registry_flag_source" text,
	"agrees_with_registry" boolean,
	"attributes" jsonb NOT NULL,
	"evaluation_date" date NOT NULL,
	"label_run_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "ccp_decisions" ADD CONSTRAINT "ccp_decisions_reference_version_ccp_reference_versions_version_fk" FOREIGN KEY ("reference_version") REFERENCES "public"."ccp_reference_versions"("version") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ccp_label_runs" ADD CONSTRAINT "ccp_label_runs_reference_version_ccp_reference_versions_version_fk" FOREIGN KEY ("reference_version") REFERENCES "public"."ccp_reference_versions"("version") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ccp_programs" ADD CONSTRAINT "ccp_programs_reference_version_ccp_reference_versions_version_fk" FOREIGN KEY ("reference_version") REFERENCES "public"."ccp_reference_versions"("version") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_labels" ADD CONSTRAINT "credit_labels_credit_id_credits_id_fk" FOREIGN KEY ("credit_id") REFERENCES "public"."credits"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_labels" ADD CONSTRAINT "credit_labels_reference_version_ccp_reference_versions_version_fk" FOREIGN KEY ("reference_version") REFERENCES "public"."ccp_reference_versions"("version") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_labels" ADD CONSTRAINT "credit_labels_label_run_id_ccp_label_runs_id_fk" FOREIGN KEY ("label_run_id") REFERENCES "public"."ccp_label_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ccp_decisions_program" ON "ccp_decisions" USING btree ("reference_version","program_id","outcome");--> statement-breakpoint
CREATE INDEX "credit_labels_status" ON "credit_labels" USING btree ("status","credit_id");