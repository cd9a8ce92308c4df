import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import type { App } from '../../src/http/env.js';
import { startWorker, type Worker } from '../../src/runner/worker.js';
import { RunSchema } from '../../src/routes/runs/schema.js';
import { buildTestDeps, jsonHeaders, tokenFor, type TestContext } from '../support/deps.js';
import { createEndpointRow } from '../support/fixtures.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/openai-server.js';
import { hashPolicy } from '../support/policies.js';
import { waitForRun } from '../support/runs.js';

let ctx: TestContext;
let app: App;
let worker: Worker;
const servers: FakeOpenAI[] = [];

beforeAll(async () => {
  ctx = await buildTestDeps();
  app = createApp(ctx.deps);
  worker = startWorker(ctx.deps, { tickMs: 100 });
});
afterAll(async () => {
  await worker.stop();
  for (const s of servers) await s.close();
  await ctx.close();
});

async function setup(latencyMs: number, name: string) {
  const server = await startFakeOpenAI({ respond: hashPolicy, latencyMs });
  servers.push(server);
  const { tenantId, token } = await tokenFor(ctx.deps, name);
  const endpoint = await createEndpointRow(ctx.deps, tenantId, { baseUrl: server.url, maxConcurrency: 4 });
  return { server, token, endpoint };
}

const post = (path: string, token: string, body?: unknown, headers: Record<string, string> = {}) =>
  app.request(path, { method: 'POST', headers: { ...jsonHeaders(token), ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });

describe('run lifecycle over the API', () => {
  it('Idempotency-Key: same key and body → same run; different body → 409', async () => {
    const { token, endpoint } = await setup(5, 'idem-lab');
    const body = { endpointId: endpoint.id, suite: 'atp-quick-v1', seed: 1 };
    const a = await post('/v1/runs', token, body, { 'idempotency-key': 'k-1' });
    const b = await post('/v1/runs', token, body, { 'idempotency-key': 'k-1' });
    expect(a.status).toBe(202);
    expect(b.status).toBe(202);
    const ra = RunSchema.parse(await a.json());
    expect(RunSchema.parse(await b.json()).id).toBe(ra.id);
    const c = await post('/v1/runs', token, { ...body, seed: 2 }, { 'idempotency-key': 'k-1' });
    expect(c.status).toBe(409);
    await post(`/v1/runs/${ra.id}/cancel`, token);
  });

  it('validation: unknown suite, bad override, foreign endpoint', async () => {
    const { token, endpoint } = await setup(5, 'val-lab');
    const bad = async (body: unknown, status: number, path: string) => {
      const res = await post('/v1/runs', token, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      const problem = (await res.json()) as { errors?: { path: string }[] };
      expect(problem.errors?.map((e) => e.path)).toContain(path);
    };
    await bad({ endpointId: endpoint.id, suite: 'atp-nope-v1' }, 400, 'body.suite');
    await bad({ endpointId: endpoint.id, suite: 'atp-quick-v1', overrides: { 'role-play': { rounds: 0 } } }, 400, 'body.overrides.role-play.rounds');
    await bad({ endpointId: endpoint.id, suite: 'atp-quick-v1', overrides: { 'no-such-testbed': {} } }, 400, 'body.overrides.no-such-testbed');
    await bad({ endpointId: 'end_doesnotexist', suite: 'atp-quick-v1' }, 404, 'body.endpointId');
    await bad({ endpointId: endpoint.id, suite: 'atp-quick-v1', samples: 11 }, 400, 'body.samples');
  });

  it('cancel stops issuing calls and aborts those in flight (the endpoint would hang for a minute)', async () => {
    const { server, token, endpoint } = await setup(60_000, 'cancel-lab');
    const res = await post('/v1/runs', token, { endpointId: endpoint.id, suite: 'atp-quick-v1' });
    const run = RunSchema.parse(await res.json());
    const until = Date.now() + 10_000;
    while (server.stats.inFlight < 4 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(server.stats.inFlight).toBe(4);
    const cancelled = await post(`/v1/runs/${run.id}/cancel`, token);
    expect(cancelled.status).toBe(200);
    expect(RunSchema.parse(await cancelled.json()).status).toBe('cancelled');
    const started = Date.now();
    // the calls hang for 60 s: seeing them end well before that proves the abort, however loaded the machine
    while (server.stats.inFlight > 0 && Date.now() - started < 20_000) await new Promise((r) => setTimeout(r, 10));
    expect(server.stats.inFlight).toBe(0);
    const total = server.stats.total;
    await new Promise((r) => setTimeout(r, 500));
    expect(server.stats.total).toBe(total);
    expect((await post(`/v1/runs/${run.id}/report`, token)).status).toBe(405);
    const report = await app.request(`/v1/runs/${run.id}/report`, { headers: jsonHeaders(token) });
    expect(report.status).toBe(409);
  });

  it('SSE: progress events while running and a final event', async () => {
    const { token, endpoint } = await setup(3, 'sse-lab');
    const run = RunSchema.parse(await (await post('/v1/runs', token, { endpointId: endpoint.id, suite: 'atp-quick-v1' })).json());
    const res = await app.request(`/v1/runs/${run.id}/events`, { headers: jsonHeaders(token) });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const text = await res.text();
    const events = [...text.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    expect(events[0]).toBe('status');
    expect(events).toContain('progress');
    expect(events[events.length - 1]).toBe('end');
    const last = JSON.parse(text.trim().split('\n').filter((l) => l.startsWith('data: ')).pop()!.slice(6));
    expect(last.status).toBe('succeeded');
    expect(last.progress.percent).toBe(100);
    await waitForRun(ctx.deps, run.id);
  });
});
