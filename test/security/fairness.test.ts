// Fair, bounded execution: one tenant's huge run against a hanging endpoint must not delay another tenant's run,
// creating the largest allowed run must not stall the API, and a run above the size limits is refused with a stable
// problem. /healthz is sampled every 100 ms throughout; its p99 must stay under a second.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { jobs, runs } from '../../src/db/schema.js';
import type { App } from '../../src/http/env.js';
import { PROBLEM_TYPE_BASE } from '../../src/http/errors.js';
import { startWorker, type Worker } from '../../src/runner/worker.js';
import { buildTestDeps, jsonHeaders, tokenFor, type TestContext } from '../support/deps.js';
import { createEndpointRow } from '../support/fixtures.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/openai-server.js';
import { hashPolicy } from '../support/policies.js';
import { waitForRun } from '../support/runs.js';

let ctx: TestContext;
let app: App;
const servers: FakeOpenAI[] = [];
const workers: Worker[] = [];

beforeAll(async () => {
  ctx = await buildTestDeps({ env: { ATP_RUN_RATE_PER_MINUTE: '0', ATP_MAX_ACTIVE_RUNS: '0' } });
  app = createApp(ctx.deps);
});
afterAll(async () => {
  for (const w of workers) await w.stop();
  for (const s of servers) await s.close();
  await ctx.close();
});

const post = (path: string, token: string, body: unknown) =>
  app.request(path, { method: 'POST', headers: jsonHeaders(token), body: JSON.stringify(body) });

/** Samples GET /healthz every 100 ms (one at a time) until stopped; reports the latencies. */
function sampleHealth() {
  const latencies: number[] = [];
  let failures = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const t0 = performance.now();
      const res = await app.request('/healthz');
      await res.arrayBuffer();
      if (res.status !== 200) failures++;
      latencies.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      const sorted = [...latencies].sort((a, b) => a - b);
      const p99 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0;
      return { samples: sorted.length, p99, max: sorted.at(-1) ?? 0, failures };
    },
  };
}

async function until(what: string, fn: () => boolean | Promise<boolean>, timeoutMs = 60_000) {
  const end = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A fake endpoint that notes when it answered its first call (the run's own calls, not the pre-flight). */
async function recordingServer() {
  const seen = { first: 0 };
  const server = await startFakeOpenAI({
    respond: (body) => {
      if (!seen.first) seen.first = Date.now();
      return hashPolicy(body);
    },
  });
  servers.push(server);
  return { server, seen };
}

describe('fair scheduling across tenants', () => {
  it("a tenant's huge run against a hanging endpoint does not delay another tenant's quick run", async () => {
    const worker = startWorker(ctx.deps, { tickMs: 100 });
    workers.push(worker);
    const hanging = await startFakeOpenAI({ respond: () => ({ hang: true }) });
    servers.push(hanging);
    const a = await tokenFor(ctx.deps, 'fair-lab-a');
    const b = await tokenFor(ctx.deps, 'fair-lab-b');
    const aEndpoint = await createEndpointRow(ctx.deps, a.tenantId, { baseUrl: hanging.url, maxConcurrency: 1 });

    // B's quick run alone: the reference duration
    const solo = await recordingServer();
    const bSoloEndpoint = await createEndpointRow(ctx.deps, b.tenantId, { baseUrl: solo.server.url, maxConcurrency: 8 });
    const soloStart = Date.now();
    const soloRes = await post('/v1/runs', b.token, { endpointId: bSoloEndpoint.id, suite: 'atp-quick-v2', seed: 5 });
    expect(soloRes.status, await soloRes.clone().text()).toBe(202);
    expect((await waitForRun(ctx.deps, ((await soloRes.json()) as { id: string }).id)).status).toBe('succeeded');
    const soloMs = Date.now() - soloStart;

    const health = sampleHealth();
    // A: 1,240 episodes (more than a worker's 1,024 places), every call hangs, one at a time
    const aRes = await post('/v1/runs', a.token, { endpointId: aEndpoint.id, suite: 'atp-standard-v1', samples: 10 });
    expect(aRes.status, await aRes.clone().text()).toBe(202);
    const aRun = ((await aRes.json()) as { id: string }).id;
    await until('tenant A to hold its endpoint', () => hanging.stats.inFlight >= 1);
    // the worker holds A's episodes, parked behind the single slot
    await until('A to be claimed', () => worker.active() >= 1000);
    expect(worker.parked()).toBeGreaterThanOrEqual(worker.active() - 2);

    const shared = await recordingServer();
    const bEndpoint = await createEndpointRow(ctx.deps, b.tenantId, { baseUrl: shared.server.url, maxConcurrency: 8 });
    const bStart = Date.now();
    const bRes = await post('/v1/runs', b.token, { endpointId: bEndpoint.id, suite: 'atp-quick-v2', seed: 5 });
    expect(bRes.status, await bRes.clone().text()).toBe(202);
    const bRun = ((await bRes.json()) as { id: string }).id;
    await until("B's first call", () => shared.seen.first > 0, 30_000);
    const firstCallMs = shared.seen.first - bStart;
    const finished = await waitForRun(ctx.deps, bRun, 180_000);
    const bMs = Date.now() - bStart;
    const stats = await health.stop();

    expect(finished.status).toBe('succeeded');
    expect(firstCallMs, `B's first call came ${firstCallMs} ms after its creation`).toBeLessThan(2_000);
    // "as it would alone": generous, the machine is shared
    expect(bMs, `B took ${bMs} ms with A hanging, ${soloMs} ms alone`).toBeLessThan(3 * soloMs + 5_000);
    const [aNow] = await ctx.deps.db.db.select({ status: runs.status }).from(runs).where(eq(runs.id, aRun));
    expect(aNow.status).toBe('running');
    expect(hanging.stats.peakInFlight).toBe(1);
    expect(stats.failures).toBe(0);
    expect(stats.samples).toBeGreaterThan(5);
    expect(stats.p99, `/healthz p99 ${Math.round(stats.p99)} ms over ${stats.samples} samples`).toBeLessThan(1_000);

    expect((await app.request(`/v1/runs/${aRun}/cancel`, { method: 'POST', headers: jsonHeaders(a.token) })).status).toBe(200);
    await worker.stop();
  });
});

describe('bounded run creation', () => {
  it('creating the largest allowed run keeps /healthz answering', async () => {
    const c = await tokenFor(ctx.deps, 'fair-lab-c');
    const subject = await createEndpointRow(ctx.deps, c.tenantId, { baseUrl: 'http://127.0.0.1:9/v1' });
    const baselines = [];
    for (let i = 0; i < 6; i++) baselines.push((await createEndpointRow(ctx.deps, c.tenantId, { baseUrl: 'http://127.0.0.1:9/v1' })).id);
    const health = sampleHealth();
    // 280 episodes × 10 samples × 7 subjects = 19,600 episodes (the default limit is 20,000)
    const res = await post('/v1/runs', c.token, { endpointId: subject.id, suite: 'atp-standard-v2', samples: 10, baselines: { endpointIds: baselines } });
    const stats = await health.stop();
    expect(res.status, await res.clone().text()).toBe(202);
    const runId = ((await res.json()) as { id: string }).id;
    const [{ planned }] = await ctx.deps.db.db.select({ planned: runs.planned }).from(runs).where(eq(runs.id, runId));
    expect(planned).toBe(true);
    expect(await ctx.deps.db.db.$count(jobs, eq(jobs.runId, runId))).toBe(19_600);
    expect(stats.failures).toBe(0);
    expect(stats.samples).toBeGreaterThan(5);
    expect(stats.p99, `/healthz p99 ${Math.round(stats.p99)} ms over ${stats.samples} samples`).toBeLessThan(1_000);
  });

  it('a run above the size limits is refused with 422 run-too-large, and nothing is written', async () => {
    const d = await tokenFor(ctx.deps, 'fair-lab-d');
    const subject = await createEndpointRow(ctx.deps, d.tenantId, { baseUrl: 'http://127.0.0.1:9/v1' });
    const baselines = [];
    for (let i = 0; i < 8; i++) baselines.push((await createEndpointRow(ctx.deps, d.tenantId, { baseUrl: 'http://127.0.0.1:9/v1' })).id);
    const before = await ctx.deps.db.db.$count(runs, eq(runs.tenantId, d.tenantId));
    const res = await post('/v1/runs', d.token, { endpointId: subject.id, suite: 'atp-standard-v2', samples: 10, baselines: { endpointIds: baselines } });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await res.json()) as { type: string; limit: string; max: number; detail: string };
    expect(problem.type).toBe(`${PROBLEM_TYPE_BASE}run-too-large`);
    expect(problem.limit).toBe('episodes_per_run');
    expect(problem.max).toBe(20_000);
    expect(problem.detail).toMatch(/limit 20000/);
    expect(await ctx.deps.db.db.$count(runs, eq(runs.tenantId, d.tenantId))).toBe(before);
  });

  it('the limits are configurable: a lower calls cap refuses a quick run', async () => {
    const small = await buildTestDeps({ env: { ATP_MAX_CALLS_PER_RUN: '100' } });
    try {
      const smallApp = createApp(small.deps);
      const e = await tokenFor(small.deps, 'fair-lab-e');
      const endpoint = await createEndpointRow(small.deps, e.tenantId, { baseUrl: 'http://127.0.0.1:9/v1' });
      const res = await smallApp.request('/v1/runs', {
        method: 'POST',
        headers: jsonHeaders(e.token),
        body: JSON.stringify({ endpointId: endpoint.id, suite: 'atp-quick-v2' }),
      });
      expect(res.status).toBe(422);
      const problem = (await res.json()) as { type: string; limit: string; max: number };
      expect(problem).toMatchObject({ type: `${PROBLEM_TYPE_BASE}run-too-large`, limit: 'calls_per_run', max: 100 });
    } finally {
      await small.close();
    }
  });
});
