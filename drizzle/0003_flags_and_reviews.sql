CREATE TYPE "public"."api_key_role" AS ENUM('reviewer', 'admin');--> statement-breakpoint
CREATE TYPE "public"."flag_status" AS ENUM('open', 'confirmed', 'dismissed', 'resolved');--> statement-breakpoint
CREATE TABLE "api_keys" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "api_keys_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	"role" "api_key_role" NOT NULL,
	"key_prefix" text NOT NULL,
	"salt" text NOT NULL,
	"key_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_keys_name_unique" UNIQUE("name"),
	CONSTRAINT "api_keys_key_prefix_unique" UNIQUE("key_prefix")
);
--> statement-breakpoint
CREATE TABLE "flag_credits" (
	"flag_id" text NOT NULL,
	"credit_id" bigint NOT NULL,
	"role" text NOT NULL,
	CONSTRAINT "flag_credits_flag_id_credit_id_role_pk" PRIMARY KEY("flag_id","credit_id","role")
);
--> statement-breakpoint
CREATE TABLE "flag_projects" (
	"flag_id" text NOT NULL,
	"project_id" bigint NOT NULL,
	"role" text NOT NULL,
	CONSTRAINT "flag_projects_flag_id_project_id_role_pk" PRIMARY KEY("flag_id","project_id","role")
);
--> statement-breakpoint
CREATE TABLE "flag_reviews" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "flag_reviews_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"flag_id" text NOT NULL,
	"api_key_id" bigint NOT NULL,
	"reviewer" text NOT NULL,
	"from_status" "flag_status" NOT NULL,
	"to_status" "flag_status" NOT NULL,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "flags" (
	"id" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"detector" text NOT NULL,
	"detector_version" integer NOT NULL,
	"severity" text NOT NULL,
	"score" double precision NOT NULL,
	"status" "flag_status" DEFAULT 'open' NOT NULL,
	"title" text NOT NULL,
	"quantity_at_risk" numeric(20, 4) DEFAULT 0 NOT NULL,
	"program_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"evidence" jsonb NOT NULL,
	"content_hash" text NOT NULL,
	"first_detected_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_detected_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	"reviewed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "flag_credits" ADD CONSTRAINT "flag_credits_flag_id_flags_id_fk" FOREIGN KEY ("flag_id") REFERENCES "public"."flags"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flag_credits" ADD CONSTRAINT "flag_credits_credit_id_credits_id_fk" FOREIGN KEY ("credit_id") REFERENCES "public"."credits"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flag_projects" ADD CONSTRAINT "flag_projects_flag_id_flags_id_fk" FOREIGN KEY ("flag_id") REFERENCES "public"."flags"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flag_projects" ADD CONSTRAINT "flag_projects_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flag_reviews" ADD CONSTRAINT "flag_reviews_flag_id_flags_id_fk" FOREIGN KEY ("flag_id") REFERENCES "public"."flags"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flag_reviews" ADD CONSTRAINT "flag_reviews_api_key_id_api_keys_id_fk" FOREIGN KEY ("api_key_id") REFERENCES "public"."api_keys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "flag_credits_credit" ON "flag_credits" USING btree ("credit_id");--> statement-breakpoint
CREATE INDEX "flag_projects_project" ON "flag_projects" USING btree ("project_id");--> statement-breakpoint
CREATE INDEX "flag_reviews_flag" ON "flag_reviews" USING btree ("flag_id","id");--> statement-breakpoint
CREATE INDEX "flags_kind_status" ON "flags" USING btree ("kind","status");--> statement-breakpoint
CREATE INDEX "flags_severity" ON "flags" USING btree ("severity");--> statement-breakpoint
CREATE INDEX "flags_quantity" ON "flags" USING btree ("quantity_at_risk");--> statement-breakpoint
CREATE INDEX "flags_programs" ON "flags" USING gin ("program_ids");