import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createApp } from '../../src/app.js';
import { runs } from '../../src/db/schema.js';
import { startWorker, type Worker } from '../../src/runner/worker.js';
import { OperatorBaselineSchema } from '../../src/routes/operator/schema.js';
import { createRun } from '../../src/services/runs.js';
import { buildTestDeps, jsonHeaders, tokenFor, type TestContext } from '../support/deps.js';
import { createEndpointRow } from '../support/fixtures.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/openai-server.js';
import { firstOption, hashPolicy } from '../support/policies.js';
import { storedReport, waitForRun } from '../support/runs.js';

let ctx: TestContext;
let worker: Worker;
const servers: FakeOpenAI[] = [];
beforeAll(async () => {
  ctx = await buildTestDeps();
  worker = startWorker(ctx.deps, { tickMs: 100 });
});
afterAll(async () => {
  await worker.stop();
  for (const s of servers) await s.close();
  await ctx.close();
});

describe('operator baselines', () => {
  it('are run once per suite version, cached, and included as kind "operator" in tenant reports', async () => {
    const app = createApp(ctx.deps);
    const operatorModel = await startFakeOpenAI({ respond: firstOption });
    const labModel = await startFakeOpenAI({ respond: hashPolicy });
    servers.push(operatorModel, labModel);
    const ops = await tokenFor(ctx.deps, 'operator', true);
    const baseline = await createEndpointRow(ctx.deps, ops.tenantId, { baseUrl: operatorModel.url, name: 'indie-8b-grpo', maxConcurrency: 32 });

    // a plain tenant cannot register operator baselines
    const lab = await tokenFor(ctx.deps, 'lab-with-baselines');
    const denied = await app.request('/v1/operator/baselines', { method: 'POST', headers: jsonHeaders(lab.token), body: JSON.stringify({ endpointId: baseline.id }) });
    expect(denied.status).toBe(403);

    const res = await app.request('/v1/operator/baselines', { method: 'POST', headers: jsonHeaders(ops.token), body: JSON.stringify({ endpointId: baseline.id }) });
    expect(res.status).toBe(202);
    const view = OperatorBaselineSchema.parse(await res.json());
    expect(view.suites.map((s) => s.suite).sort()).toEqual(['atp-quick-v1', 'atp-quick-v2', 'atp-standard-v1', 'atp-standard-v2']);
    // registering again schedules nothing new
    await app.request('/v1/operator/baselines', { method: 'POST', headers: jsonHeaders(ops.token), body: JSON.stringify({ endpointId: baseline.id }) });
    const opRuns = await ctx.deps.db.db.select().from(runs).where(and(eq(runs.endpointId, baseline.id), eq(runs.operatorBaseline, true)));
    expect(opRuns).toHaveLength(4);
    for (const r of opRuns) expect((await waitForRun(ctx.deps, r.id, 120_000)).status).toBe('succeeded');

    const listed = (await (await app.request('/v1/operator/baselines')).json()) as { items: { suites: { status: string }[] }[] };
    expect(listed.items[0].suites.every((s) => s.status === 'cached')).toBe(true);

    // operator runs are not the operator tenant's own runs in listings
    const mine = (await (await app.request('/v1/runs', { headers: jsonHeaders(ops.token) })).json()) as { items: unknown[] };
    expect(mine.items).toHaveLength(0);

    const endpoint = await createEndpointRow(ctx.deps, lab.tenantId, { baseUrl: labModel.url, maxConcurrency: 32 });
    const { runId } = await createRun(ctx.deps, lab.tenantId, { endpointId: endpoint.id, suite: 'atp-quick-v1' });
    expect((await waitForRun(ctx.deps, runId)).status).toBe('succeeded');
    const report = await storedReport(ctx.deps, runId);
    const op = report.baselines.find((b: { kind: string }) => b.kind === 'operator');
    expect(op.label).toBe('operator: indie-8b-grpo');
    expect(op.testbeds['role-play'].rounds).toHaveLength(6);
    expect(labModel.stats.total).toBeLessThan(400); // the baseline was not re-run inside the tenant's run
    // same seed as the cached baseline run: compared episode by episode
    expect(op.delta['role-play'].paired).toBe(true);

    // another seed means other prompts: the comparison is unpaired
    const other = await createRun(ctx.deps, lab.tenantId, { endpointId: endpoint.id, suite: 'atp-quick-v1', seed: 9 });
    expect((await waitForRun(ctx.deps, other.runId)).status).toBe('succeeded');
    const otherReport = await storedReport(ctx.deps, other.runId);
    expect(otherReport.baselines.find((b: { kind: string }) => b.kind === 'operator').delta['role-play'].paired).toBe(false);
  }, 180_000);
});
