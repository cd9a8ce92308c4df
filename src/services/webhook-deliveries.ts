import { asc, eq } from 'drizzle-orm';
import type { Deps } from '../deps.js';
import { webhookDeliveries } from '../db/schema.js';

/** The webhook deliveries of a run, oldest first (the caller checks that the run is the tenant's). */
export async function listRunWebhookDeliveries(deps: Pick<Deps, 'db'>, runId: string) {
  return deps.db.db
    .select()
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.runId, runId))
    .orderBy(asc(webhookDeliveries.createdAt), asc(webhookDeliveries.id));
}
