import { eq } from 'drizzle-orm';
import type { Deps } from '../deps.js';
import { reports } from '../db/schema.js';
import { ServiceError } from '../lib/errors.js';
import { computeReport } from '../domain/report-data.js';
import { getOwnedRun } from './run-views.js';

export async function loadStoredReport(deps: Pick<Deps, 'db'>, tenantId: string, runId: string) {
  const run = await getOwnedRun(deps, tenantId, runId);
  // a run that failed for too few readable answers keeps its report, for diagnosis
  if (run.status !== 'succeeded' && run.status !== 'failed') {
    throw new ServiceError('run_not_finished', `the run is ${run.status}; its report exists once it has succeeded`, { runStatus: run.status });
  }
  const [row] = await deps.db.db.select().from(reports).where(eq(reports.runId, run.id));
  if (!row && run.status === 'failed') {
    throw new ServiceError('run_not_finished', 'the run failed before it could be scored: it has no report', { runStatus: run.status });
  }
  if (!row) throw new ServiceError('run_not_finished', 'the report is being computed; try again shortly', { runStatus: run.status });
  return row;
}

/** Recomputes from the stored calls (no model calls) and stores the result; returns the JSON text. */
export async function rescoreRun(deps: Pick<Deps, 'db' | 'clock' | 'testbeds'>, tenantId: string, runId: string): Promise<string> {
  await loadStoredReport(deps, tenantId, runId);
  const report = await computeReport(deps, runId);
  await deps.db.db.update(reports).set({ ...report, createdAt: deps.clock.now() }).where(eq(reports.runId, runId));
  return report.body;
}
