-- Each subject of a run records the endpoint's model name as it was when the run was created: reports and the
-- leaderboard use it, so renaming an endpoint later moves no finished run to another model. Existing runs take
-- their endpoint's current name, the best record there is of it.
ALTER TABLE "run_subjects" ADD COLUMN "model" text;--> statement-breakpoint
UPDATE "run_subjects" SET "model" = "endpoints"."model" FROM "endpoints" WHERE "endpoints"."id" = "run_subjects"."endpoint_id";--> statement-breakpoint
ALTER TABLE "run_subjects" ALTER COLUMN "model" SET NOT NULL;
