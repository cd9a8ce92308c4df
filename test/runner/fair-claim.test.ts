// claimJobs hands out work round-robin: across tenants first, then across each tenant's runs, oldest first within
// a run; it leaves out endpoints the worker asks it to skip and runs whose plan is still being written.
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobs, runs } from '../../src/db/schema.js';
import { claimJobs, type ClaimedJob } from '../../src/domain/jobs.js';
import { createRun } from '../../src/services/runs.js';
import { buildTestDeps, tokenFor, type TestContext } from '../support/deps.js';
import { createEndpointRow } from '../support/fixtures.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await buildTestDeps({ env: { ATP_RUN_RATE_PER_MINUTE: '0', ATP_MAX_ACTIVE_RUNS: '0' } });
});
afterAll(async () => {
  await ctx.close();
});

async function tenantWithRuns(name: string, count: number) {
  const { tenantId } = await tokenFor(ctx.deps, name);
  const endpoint = await createEndpointRow(ctx.deps, tenantId, { baseUrl: 'http://127.0.0.1:9/v1' });
  const runIds: string[] = [];
  for (let i = 0; i < count; i++) runIds.push((await createRun(ctx.deps, tenantId, { endpointId: endpoint.id, suite: 'atp-quick-v2', seed: i })).runId);
  return { endpointId: endpoint.id, runIds };
}

const byRun = (claimed: ClaimedJob[]) => {
  const out: Record<string, number> = {};
  for (const j of claimed) out[j.runId!] = (out[j.runId!] ?? 0) + 1;
  return out;
};

const requeue = (ids: number[]) =>
  ctx.deps.db.db.update(jobs).set({ status: 'queued', leaseOwner: null, leaseExpiresAt: null }).where(inArray(jobs.id, ids));

describe('fair claims', () => {
  it('round-robin across tenants, then runs; skipped endpoints and unplanned runs stay queued', async () => {
    // tenant A queued two runs before tenant B queued one: a plain oldest-first claim would give A everything
    const a = await tenantWithRuns('claim-lab-a', 2);
    const b = await tenantWithRuns('claim-lab-b', 1);

    const first = await claimJobs(ctx.deps, 'w1', 6, 30_000);
    expect(byRun(first)).toEqual({ [a.runIds[0]]: 2, [a.runIds[1]]: 1, [b.runIds[0]]: 3 });
    // within a run, oldest first
    const ofB = first.filter((j) => j.runId === b.runIds[0]).map((j) => j.id);
    const [oldestOfB] = await ctx.deps.db.db
      .select({ id: jobs.id })
      .from(jobs)
      .where(eq(jobs.runId, b.runIds[0]))
      .orderBy(jobs.id)
      .limit(3);
    expect(Math.min(...ofB)).toBe(oldestOfB.id);
    await requeue(first.map((j) => j.id));

    // A's endpoint has a full backlog on this worker: only B's work is claimed
    const skipping = await claimJobs(ctx.deps, 'w1', 10, 30_000, [a.endpointId]);
    expect(byRun(skipping)).toEqual({ [b.runIds[0]]: 10 });
    await requeue(skipping.map((j) => j.id));

    // a run whose plan is still being written is invisible to workers
    await ctx.deps.db.db.update(runs).set({ planned: false }).where(eq(runs.id, b.runIds[0]));
    const unplanned = await claimJobs(ctx.deps, 'w1', 10, 30_000);
    expect(unplanned.some((j) => j.runId === b.runIds[0])).toBe(false);
    expect(unplanned).toHaveLength(10);
    await requeue(unplanned.map((j) => j.id));
    await ctx.deps.db.db.update(runs).set({ planned: true }).where(eq(runs.id, b.runIds[0]));

    // two workers claiming at once never get the same job
    const [x, y] = await Promise.all([claimJobs(ctx.deps, 'w1', 40, 30_000), claimJobs(ctx.deps, 'w2', 40, 30_000)]);
    const ids = [...x, ...y].map((j) => j.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(80);
  });
});
