ALTER TABLE "model_calls" ADD COLUMN "prompt_base" json;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "stored_bytes" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
-- the storage quota counts what is already stored
UPDATE "tenants" SET "stored_bytes" = (
  SELECT coalesce(sum(octet_length(c."request"::text) + coalesce(octet_length(c."response"::text), 0) + coalesce(octet_length(c."error"), 0)), 0)
  FROM "model_calls" c JOIN "runs" r ON r."id" = c."run_id"
  WHERE r."tenant_id" = "tenants"."id"
);
