import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Deps } from '../deps.js';
import { endpoints, operatorBaselineResults, runs } from '../db/schema.js';
import { notFound } from '../lib/errors.js';
import { SUITES } from '../testbeds/suites.js';
import { createRun } from './runs.js';

/**
 * Operator baselines: endpoints an admin registers (e.g. a lab-independent model and its DPO/GRPO variants). Each
 * is run once per suite version; the cached results join every report of that suite as `kind: "operator"`.
 */
export async function registerOperatorBaseline(deps: Deps, tenantId: string, endpointId: string) {
  const [row] = await deps.db.db
    .update(endpoints)
    .set({ operator: true, updatedAt: deps.clock.now() })
    .where(and(eq(endpoints.id, endpointId), eq(endpoints.tenantId, tenantId), isNull(endpoints.deletedAt)))
    .returning({ id: endpoints.id });
  if (!row) throw notFound('endpoint');
  await scheduleMissing(deps, [{ id: endpointId, tenantId }]);
  return describeOperatorBaseline(deps, endpointId);
}

export async function retireOperatorBaseline(deps: Deps, tenantId: string, endpointId: string) {
  const [row] = await deps.db.db
    .update(endpoints)
    .set({ operator: false, updatedAt: deps.clock.now() })
    .where(and(eq(endpoints.id, endpointId), eq(endpoints.tenantId, tenantId), eq(endpoints.operator, true)))
    .returning({ id: endpoints.id });
  if (!row) throw notFound('operator baseline');
}

/** Starts the runs an operator baseline still lacks (new baseline, or a new suite version after an upgrade). */
export async function scheduleMissing(deps: Deps, list?: { id: string; tenantId: string }[]) {
  const targets =
    list ??
    (await deps.db.db
      .select({ id: endpoints.id, tenantId: endpoints.tenantId })
      .from(endpoints)
      .where(and(eq(endpoints.operator, true), isNull(endpoints.deletedAt))));
  for (const e of targets) {
    for (const suite of Object.values(SUITES)) {
      // the idempotency key makes this safe to call from every process at every start
      await createRun(deps, e.tenantId, { endpointId: e.id, suite: suite.id }, `operator-baseline:${e.id}:${suite.id}:${suite.version}`, {
        operatorBaseline: true,
      });
    }
  }
}

export async function describeOperatorBaseline(deps: Pick<Deps, 'db'>, endpointId: string) {
  return (await listOperatorBaselines(deps, [endpointId]))[0];
}

export async function listOperatorBaselines(deps: Pick<Deps, 'db'>, only?: string[]) {
  const filters = [eq(endpoints.operator, true), isNull(endpoints.deletedAt)];
  if (only) filters.push(inArray(endpoints.id, only));
  const eps = await deps.db.db.select().from(endpoints).where(and(...filters)).orderBy(endpoints.name);
  if (eps.length === 0) return [];
  const ids = eps.map((e) => e.id);
  const opRuns = await deps.db.db
    .select()
    .from(runs)
    .where(and(eq(runs.operatorBaseline, true), inArray(runs.endpointId, ids)));
  const results = await deps.db.db.select().from(operatorBaselineResults).where(inArray(operatorBaselineResults.endpointId, ids));
  return eps.map((e) => ({
    endpointId: e.id,
    name: e.name,
    model: e.model,
    family: e.family,
    variant: e.variant,
    suites: Object.values(SUITES).map((s) => {
      const cached = results.find((r) => r.endpointId === e.id && r.suiteId === s.id && r.suiteVersion === s.version);
      const latest = opRuns
        .filter((r) => r.endpointId === e.id && r.suiteId === s.id && r.suiteVersion === s.version)
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
      return { suite: s.id, version: s.version, runId: cached?.runId ?? latest?.id ?? null, status: cached ? 'cached' : (latest?.status ?? 'missing') };
    }),
  }));
}
