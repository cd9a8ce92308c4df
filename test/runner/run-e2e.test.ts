import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createApp } from '../../src/app.js';
import { startWorker, type Worker } from '../../src/runner/worker.js';
import { buildTestDeps, jsonHeaders, tokenFor, type TestContext } from '../support/deps.js';
import { createEndpointRow } from '../support/fixtures.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/openai-server.js';
import { hashPolicy } from '../support/policies.js';
import { storedReport, waitForRun } from '../support/runs.js';

let ctx: TestContext;
let server: FakeOpenAI;
let worker: Worker;

beforeAll(async () => {
  ctx = await buildTestDeps();
  server = await startFakeOpenAI({ respond: hashPolicy, latencyMs: 2 });
  worker = startWorker(ctx.deps, { tickMs: 100 });
});
afterAll(async () => {
  await worker.stop();
  await server.close();
  await ctx.close();
});

describe('a quick-suite run end to end', () => {
  it('runs every episode against a real HTTP endpoint, persists every call and scores the run', async () => {
    const app = createApp(ctx.deps);
    const { tenantId, token } = await tokenFor(ctx.deps, 'e2e-lab');
    const endpoint = await createEndpointRow(ctx.deps, tenantId, { baseUrl: server.url, maxConcurrency: 16 });
    const res = await app.request('/v1/runs', {
      method: 'POST',
      headers: jsonHeaders(token),
      body: JSON.stringify({ endpointId: endpoint.id, suite: 'atp-quick-v1', seed: 7, baselines: { promptAligned: true } }),
    });
    expect(res.status).toBe(202);
    const created = (await res.json()) as { id: string; progress: { total: number } };
    expect(res.headers.get('location')).toBe(`/v1/runs/${created.id}`);

    const run = await waitForRun(ctx.deps, created.id);
    expect(run.status).toBe('succeeded');
    expect(server.stats.peakInFlight).toBeLessThanOrEqual(16);

    const [{ n }] = await ctx.deps.db.rows<{ n: string | number }>(sql`select count(*) as n from model_calls where run_id = ${created.id}`);
    expect(Number(n)).toBe(server.stats.total);
    // no round was asked twice
    const [{ d }] = await ctx.deps.db.rows<{ d: string | number }>(
      sql`select count(*) as d from (select episode_id, round, agent, step from model_calls where run_id = ${created.id} group by 1,2,3,4 having count(*) > 1) x`,
    );
    expect(Number(d)).toBe(0);

    const report = await storedReport(ctx.deps, created.id);
    expect(report.schemaVersion).toBe('atp-report/1');
    expect(report.subject.testbeds['role-play'].rounds).toHaveLength(6);
    expect(report.baselines.map((b: { kind: string }) => b.kind)).toEqual(['prompt-aligned']);

    const reportRes = await app.request(`/v1/runs/${created.id}/report`, { headers: jsonHeaders(token) });
    expect(reportRes.status).toBe(200);
    const again = await app.request(`/v1/runs/${created.id}/rescore`, { method: 'POST', headers: jsonHeaders(token) });
    expect(await again.text()).toBe(await (await app.request(`/v1/runs/${created.id}/report`, { headers: jsonHeaders(token) })).text());

    const page = (await (await app.request(`/v1/runs/${created.id}/transcripts?limit=5&testbed=role-play`, { headers: jsonHeaders(token) })).json()) as {
      items: { testbed: string; parse: { status: string } | null }[];
      nextCursor: string | null;
    };
    expect(page.items).toHaveLength(5);
    expect(page.items.every((i) => i.testbed === 'role-play')).toBe(true);
    expect(page.nextCursor).toBeTruthy();
  });
});
