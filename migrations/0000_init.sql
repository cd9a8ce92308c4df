CREATE TABLE "endpoint_slots" (
	"endpoint_id" text NOT NULL,
	"slot" integer NOT NULL,
	"holder" text,
	"lease_expires_at" timestamp with time zone,
	CONSTRAINT "endpoint_slots_endpoint_id_slot_pk" PRIMARY KEY("endpoint_id","slot")
);
--> statement-breakpoint
CREATE TABLE "endpoints" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"name" text NOT NULL,
	"base_url" text NOT NULL,
	"model" text NOT NULL,
	"api_key_enc" text,
	"headers_enc" text,
	"header_names" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"params" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"max_concurrency" integer DEFAULT 8 NOT NULL,
	"request_timeout_ms" integer DEFAULT 120000 NOT NULL,
	"family" text,
	"variant" text,
	"operator" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "episodes" (
	"id" text PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"subject_idx" integer NOT NULL,
	"endpoint_id" text NOT NULL,
	"key" text NOT NULL,
	"testbed" text NOT NULL,
	"scenario_id" text NOT NULL,
	"spec" jsonb NOT NULL,
	"status" text NOT NULL,
	"nominal_calls" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "jobs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"run_id" text,
	"episode_id" text,
	"endpoint_id" text,
	"status" text NOT NULL,
	"run_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lease_owner" text,
	"lease_expires_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "leaderboard_entries" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"run_id" text NOT NULL,
	"model" text NOT NULL,
	"family" text,
	"variant" text,
	"suite_id" text NOT NULL,
	"score" double precision NOT NULL,
	"ci_lo" double precision NOT NULL,
	"ci_hi" double precision NOT NULL,
	"submitted_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "model_calls" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"episode_id" text NOT NULL,
	"subject_idx" integer NOT NULL,
	"testbed" text NOT NULL,
	"round" integer NOT NULL,
	"agent" integer NOT NULL,
	"step" integer NOT NULL,
	"request" json NOT NULL,
	"response" json,
	"error_kind" text,
	"error" text,
	"parse" json,
	"attempts" integer NOT NULL,
	"latency_ms" integer NOT NULL,
	"prompt_tokens" integer DEFAULT 0 NOT NULL,
	"completion_tokens" integer DEFAULT 0 NOT NULL,
	"reasoning_tokens" integer DEFAULT 0 NOT NULL,
	"model" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "operator_baseline_results" (
	"endpoint_id" text NOT NULL,
	"suite_id" text NOT NULL,
	"suite_version" text NOT NULL,
	"run_id" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "operator_baseline_results_endpoint_id_suite_id_suite_version_pk" PRIMARY KEY("endpoint_id","suite_id","suite_version")
);
--> statement-breakpoint
CREATE TABLE "rate_counters" (
	"tenant_id" text NOT NULL,
	"bucket" text NOT NULL,
	"window_start" bigint NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "rate_counters_tenant_id_bucket_window_start_pk" PRIMARY KEY("tenant_id","bucket","window_start")
);
--> statement-breakpoint
CREATE TABLE "reports" (
	"run_id" text PRIMARY KEY NOT NULL,
	"scorer_version" text NOT NULL,
	"body" text NOT NULL,
	"score" double precision,
	"low_validity" boolean NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "run_subjects" (
	"run_id" text NOT NULL,
	"idx" integer NOT NULL,
	"kind" text NOT NULL,
	"label" text NOT NULL,
	"endpoint_id" text NOT NULL,
	"prompt_aligned" boolean DEFAULT false NOT NULL,
	"unsupported" jsonb DEFAULT '[]'::jsonb NOT NULL,
	CONSTRAINT "run_subjects_run_id_idx_pk" PRIMARY KEY("run_id","idx")
);
--> statement-breakpoint
CREATE TABLE "runs" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"endpoint_id" text NOT NULL,
	"suite_id" text NOT NULL,
	"suite_version" text NOT NULL,
	"custom" boolean NOT NULL,
	"seed" bigint NOT NULL,
	"samples" integer NOT NULL,
	"request" jsonb NOT NULL,
	"params" jsonb NOT NULL,
	"webhook_url" text,
	"status" text NOT NULL,
	"error" jsonb,
	"progress_total" integer NOT NULL,
	"progress_skipped" integer DEFAULT 0 NOT NULL,
	"idempotency_key" text,
	"request_hash" text NOT NULL,
	"operator_baseline" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "signing_keys" (
	"kid" text PRIMARY KEY NOT NULL,
	"alg" text NOT NULL,
	"public_jwk" jsonb NOT NULL,
	"private_jwk_enc" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tenants" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "tenants_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" text PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"url" text NOT NULL,
	"event" jsonb NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_status_code" integer,
	"last_error" text,
	"next_attempt_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"delivered_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "endpoints" ADD CONSTRAINT "endpoints_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "episodes" ADD CONSTRAINT "episodes_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leaderboard_entries" ADD CONSTRAINT "leaderboard_entries_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leaderboard_entries" ADD CONSTRAINT "leaderboard_entries_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_calls" ADD CONSTRAINT "model_calls_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_calls" ADD CONSTRAINT "model_calls_episode_id_episodes_id_fk" FOREIGN KEY ("episode_id") REFERENCES "public"."episodes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operator_baseline_results" ADD CONSTRAINT "operator_baseline_results_endpoint_id_endpoints_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "public"."endpoints"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operator_baseline_results" ADD CONSTRAINT "operator_baseline_results_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reports" ADD CONSTRAINT "reports_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_subjects" ADD CONSTRAINT "run_subjects_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_subjects" ADD CONSTRAINT "run_subjects_endpoint_id_endpoints_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "public"."endpoints"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_endpoint_id_endpoints_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "public"."endpoints"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "endpoints_tenant_idx" ON "endpoints" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "episodes_run_key_idx" ON "episodes" USING btree ("run_id","subject_idx","key");--> statement-breakpoint
CREATE INDEX "episodes_run_idx" ON "episodes" USING btree ("run_id","status");--> statement-breakpoint
CREATE INDEX "jobs_claim_idx" ON "jobs" USING btree ("status","run_at");--> statement-breakpoint
CREATE INDEX "jobs_run_idx" ON "jobs" USING btree ("run_id");--> statement-breakpoint
CREATE UNIQUE INDEX "leaderboard_unique_idx" ON "leaderboard_entries" USING btree ("tenant_id","model","suite_id");--> statement-breakpoint
CREATE UNIQUE INDEX "model_calls_step_idx" ON "model_calls" USING btree ("episode_id","round","agent","step");--> statement-breakpoint
CREATE INDEX "model_calls_run_idx" ON "model_calls" USING btree ("run_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "runs_idempotency_idx" ON "runs" USING btree ("tenant_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "runs_tenant_idx" ON "runs" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "runs_status_idx" ON "runs" USING btree ("status");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_run_idx" ON "webhook_deliveries" USING btree ("run_id");