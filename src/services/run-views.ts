import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Deps } from '../deps.js';
import { runs, runSubjects } from '../db/schema.js';
import { notFound } from '../lib/errors.js';
import { newestFirst } from '../db/keyset.js';
import { isTerminalStatus } from '../lib/run-status.js';

type RunRow = typeof runs.$inferSelect;

const ID_SHAPE = /^[A-Za-z0-9_-]{1,100}$/;
// a cursor of the runs list names a run: one taken from another list (an endpoint's `end_…`) is refused, not read
const RUN_CURSOR_ID = /^run_[a-z0-9]{1,64}$/;

/** A tenant's run, or 404 — another tenant's run is indistinguishable from a missing one. */
export async function getOwnedRun(deps: Pick<Deps, 'db'>, tenantId: string, runId: string): Promise<RunRow> {
  if (!ID_SHAPE.test(runId)) throw notFound('run');
  const [row] = await deps.db.db
    .select()
    .from(runs)
    .where(and(eq(runs.id, runId), eq(runs.tenantId, tenantId)));
  if (!row) throw notFound('run');
  return row;
}

/** The views read the database, and the read caches when the caller has them (without: every view is read). */
type ViewDeps = Pick<Deps, 'db'> & Partial<Pick<Deps, 'caches'>>;

async function callCounts(deps: Pick<Deps, 'db'>, runIds: string[]) {
  const out = new Map<string, { total: number; retried: number; failed: number; nominal: number }>();
  if (runIds.length === 0) return out;
  const rows = await deps.db.rows<{ run_id: string; total: string | number; retried: string | number; failed: string | number; nominal: string | number }>(sql`
    select run_id, count(*) as total,
      count(*) filter (where step = 0) as nominal,
      count(*) filter (where attempts > 1) as retried,
      count(*) filter (where error is not null) as failed
    from model_calls where run_id in ${runIds} group by run_id`);
  for (const r of rows) {
    out.set(r.run_id, { total: Number(r.total), retried: Number(r.retried), failed: Number(r.failed), nominal: Number(r.nominal) });
  }
  return out;
}

/**
 * The views of the runs, in the order given. A finished run's view comes from the read cache when it is there (its
 * row and subjects no longer change; its call counts only by a straggler, see read-caches.ts) and goes into it
 * otherwise; the others are read: call counts and subjects in one query each for the whole page.
 */
export async function toRunViews(deps: ViewDeps, rows: RunRow[]): Promise<RunView[]> {
  const cached = new Map<string, RunView>();
  for (const r of rows) {
    const hit = isTerminalStatus(r.status) ? deps.caches?.runViews.get(r.id) : undefined;
    if (hit && hit.tenantId === r.tenantId) cached.set(r.id, hit.view);
  }
  const misses = rows.filter((r) => !cached.has(r.id));
  const read = await readRunViews(deps, misses);
  misses.forEach((r, i) => {
    if (isTerminalStatus(r.status)) deps.caches?.runViews.set(r.id, { tenantId: r.tenantId, view: read[i] });
  });
  const byId = new Map(misses.map((r, i) => [r.id, read[i]]));
  return rows.map((r) => cached.get(r.id) ?? byId.get(r.id)!);
}

async function readRunViews(deps: Pick<Deps, 'db'>, rows: RunRow[]) {
  const ids = rows.map((r) => r.id);
  if (ids.length === 0) return [];
  const counts = await callCounts(deps, ids);
  const subjects = await deps.db.db.select().from(runSubjects).where(inArray(runSubjects.runId, ids)).orderBy(runSubjects.runId, runSubjects.idx);
  return rows.map((r) => {
    const base = `/v1/runs/${r.id}`;
    const { nominal, ...calls } = counts.get(r.id) ?? { total: 0, retried: 0, failed: 0, nominal: 0 };
    // a finished run is complete whatever was skipped; otherwise first calls of agent-rounds + skipped ones
    const done = r.status === 'succeeded' ? r.progressTotal : Math.min(r.progressTotal, nominal + r.progressSkipped);
    return {
      id: r.id,
      status: r.status,
      endpointId: r.endpointId,
      suite: { id: r.suiteId, version: r.suiteVersion },
      custom: r.custom,
      seed: r.seed,
      samples: r.samples,
      subjects: subjects
        .filter((s) => s.runId === r.id)
        .map((s) => ({ kind: s.kind, label: s.label, endpointId: s.endpointId, unsupported: s.unsupported, unsupportedReasons: s.unsupportedReasons })),
      progress: {
        done,
        total: r.progressTotal,
        percent: r.progressTotal === 0 ? 100 : Math.round((1000 * done) / r.progressTotal) / 10,
      },
      calls,
      error: r.error ?? null,
      // only while the run can still resume: a finished run's pause is history
      pausedUntil: isTerminalStatus(r.status) ? null : (r.pausedUntil?.toISOString() ?? null),
      webhookUrl: r.webhookUrl,
      createdAt: r.createdAt.toISOString(),
      startedAt: r.startedAt?.toISOString() ?? null,
      finishedAt: r.finishedAt?.toISOString() ?? null,
      links: {
        self: base,
        events: `${base}/events`,
        report: `${base}/report`,
        reportHtml: `${base}/report.html`,
        transcripts: `${base}/transcripts`,
      },
    };
  });
}

export type RunView = Awaited<ReturnType<typeof readRunViews>>[number];

export async function getRunView(deps: ViewDeps, tenantId: string, runId: string): Promise<RunView> {
  // a finished run's view, cached with its tenant: no database round trip (another tenant's id stays a 404)
  const hit = deps.caches?.runViews.get(runId);
  if (hit && hit.tenantId === tenantId) return hit.view;
  const row = await getOwnedRun(deps, tenantId, runId);
  return (await toRunViews(deps, [row]))[0];
}

export async function listRuns(
  deps: ViewDeps,
  tenantId: string,
  q: { status?: RunRow['status']; endpointId?: string; suiteId?: string; limit: number; cursor?: string },
) {
  const filters: SQL[] = [eq(runs.tenantId, tenantId), eq(runs.operatorBaseline, false)];
  if (q.status) filters.push(eq(runs.status, q.status));
  if (q.endpointId) filters.push(eq(runs.endpointId, q.endpointId));
  if (q.suiteId) filters.push(eq(runs.suiteId, q.suiteId));
  const keys = newestFirst<RunRow>(runs, q, RUN_CURSOR_ID);
  const rows = await deps.db.db
    .select()
    .from(runs)
    .where(and(...filters, keys.after))
    .orderBy(...keys.orderBy)
    .limit(keys.fetch);
  const page = keys.page(rows);
  return { items: await toRunViews(deps, page.rows), nextCursor: page.nextCursor };
}
