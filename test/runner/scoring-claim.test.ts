// A finished run is scored once. Every episode finishing near the end, and the stuck-run sweep, may try to score it;
// scoring reads every stored answer, so concurrent scorings of one run (measured: 8 at once) stalled the service.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { episodes, runs } from '../../src/db/schema.js';
import { maybeFinalizeRun } from '../../src/domain/run-lifecycle.js';
import { createRun } from '../../src/services/runs.js';
import { buildTestDeps, tokenFor, type TestContext } from '../support/deps.js';
import { createEndpointRow } from '../support/fixtures.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await buildTestDeps();
});
afterAll(() => ctx.close());

/** A running run whose episodes have all ended (no calls: it measured nothing, so scoring fails it). */
async function finishedRun(name: string) {
  const { tenantId } = await tokenFor(ctx.deps, name);
  const endpoint = await createEndpointRow(ctx.deps, tenantId, { baseUrl: 'http://127.0.0.1:9/v1' });
  const { runId } = await createRun(ctx.deps, tenantId, {
    endpointId: endpoint.id,
    suite: 'atp-quick-v2',
    seed: 1,
    overrides: { 'role-play': { rounds: 2 }, 'tool-use': { rounds: 2 }, 'strategy-diffusion': { rounds: 2 } },
  });
  await ctx.deps.db.db.update(runs).set({ status: 'running' }).where(eq(runs.id, runId));
  await ctx.deps.db.db.update(episodes).set({ status: 'done' }).where(eq(episodes.runId, runId));
  return runId;
}

const statusOf = async (runId: string) => (await ctx.deps.db.db.select({ s: runs.status }).from(runs).where(eq(runs.id, runId)))[0].s;

describe('scoring a finished run', () => {
  it('is skipped while another process holds the claim, and taken over once the claim has lapsed', async () => {
    const runId = await finishedRun('claim-held');
    await ctx.deps.db.rows(sql`update runs set scoring_until = now() + interval '1 hour' where id = ${runId}`);
    expect(await maybeFinalizeRun(ctx.deps, runId)).toBe(false);
    expect(await statusOf(runId)).toBe('running');

    // the claimer died: its lease lapses and the next attempt (the sweep) scores the run
    await ctx.deps.db.rows(sql`update runs set scoring_until = now() - interval '1 second' where id = ${runId}`);
    expect(await maybeFinalizeRun(ctx.deps, runId)).toBe(true);
    expect(await statusOf(runId)).toBe('failed');
  });

  it('happens once when many finishers try at the same moment', async () => {
    const runId = await finishedRun('claim-race');
    const results = await Promise.all(Array.from({ length: 8 }, () => maybeFinalizeRun(ctx.deps, runId)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await statusOf(runId)).toBe('failed');
  });
});
