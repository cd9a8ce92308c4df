import type { Db } from '../db/client.js';
import { operatorBaselineResults } from '../db/schema.js';

/** A succeeded operator-baseline run becomes the cached result for its suite version (called when it succeeds). */
export async function cacheOperatorResult(
  db: Pick<Db, 'insert'>,
  run: { runId: string; endpointId: string; suiteId: string; suiteVersion: string },
  now: Date,
) {
  await db
    .insert(operatorBaselineResults)
    .values({ endpointId: run.endpointId, suiteId: run.suiteId, suiteVersion: run.suiteVersion, runId: run.runId, createdAt: now })
    .onConflictDoUpdate({
      target: [operatorBaselineResults.endpointId, operatorBaselineResults.suiteId, operatorBaselineResults.suiteVersion],
      set: { runId: run.runId, createdAt: now },
    });
}
