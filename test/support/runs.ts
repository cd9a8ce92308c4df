import { eq } from 'drizzle-orm';
import type { Deps } from '../../src/deps.js';
import { reports, runs } from '../../src/db/schema.js';

/** Waits (polling the database) until a run reaches a terminal status. */
export async function waitForRun(deps: Deps, runId: string, timeoutMs = 180_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const [run] = await deps.db.db.select().from(runs).where(eq(runs.id, runId));
    if (run && ['succeeded', 'failed', 'cancelled'].includes(run.status)) return run;
    if (Date.now() > end) throw new Error(`run ${runId} still ${run?.status}  after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function storedReport(deps: Deps, runId: string) {
  const [row] = await deps.db.db.select().from(reports).where(eq(reports.runId, runId));
  return row ? JSON.parse(row.body) : undefined;
}
