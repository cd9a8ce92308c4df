// A thousand open `/events` streams over real sockets: the service stays responsive (/healthz p99 under 1 s), the
// streams share one database read per run per tick, the open-stream limits answer 429 problems beyond them, and every
// stream still sees progress and, once its run finishes, the terminal event.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { startWorker } from '../../src/runner/worker.js';
import { createRun } from '../../src/services/runs.js';
import { EVENT_INTERVAL_MS } from '../../src/services/run-events.js';
import { buildTestDeps, tokenFor, type TestContext } from '../support/deps.js';
import { createEndpointRow } from '../support/fixtures.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/openai-server.js';
import { hashPolicy } from '../support/policies.js';
import { waitForRun } from '../support/runs.js';
import { serveApp } from '../support/serve-app.js';

const PER_TENANT = 300;
const TOTAL = 1000;

interface Stream {
  status: number;
  events: Set<string>;
  ended: boolean;
  req: http.ClientRequest;
  firstEvent: Promise<void>;
}

let ctx: TestContext;
let server: Awaited<ReturnType<typeof serveApp>>;
let fake: FakeOpenAI;
const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
const streams: Stream[] = [];
const tenants: { tenantId: string; token: string; runId: string }[] = [];

/** Opens one stream and keeps reading it; resolves once the response headers are in. */
function openStream(t: { token: string; runId: string }): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const url = new URL(`${server.url}/v1/runs/${t.runId}/events`);
    let markFirst!: () => void;
    const s = { events: new Set<string>(), ended: false, firstEvent: new Promise<void>((r) => (markFirst = r)) } as Stream;
    s.req = http.get(url, { agent, headers: { authorization: `Bearer ${t.token}` } }, (res) => {
      s.status = res.statusCode ?? 0;
      res.setEncoding('utf8');
      let tail = '';
      res.on('data', (chunk: string) => {
        const text = tail + chunk;
        for (const m of text.matchAll(/^event: (\w+)$/gm)) s.events.add(m[1]);
        if (s.events.size > 0) markFirst();
        tail = text.slice(-32);
      });
      res.on('end', () => {
        s.ended = true;
        markFirst();
      });
      res.on('error', () => (s.ended = true));
      resolve(s);
    });
    s.req.on('error', reject);
  });
}

async function rawGet(path: string, token: string): Promise<{ status: number; type: string; body: string; retryAfter?: string }> {
  const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text(), retryAfter: res.headers.get('retry-after') ?? undefined };
}

beforeAll(async () => {
  ctx = await buildTestDeps({
    env: {
      ATP_SSE_MAX_PER_TENANT: String(PER_TENANT),
      ATP_SSE_MAX_STREAMS: String(TOTAL),
      ATP_RUN_RATE_PER_MINUTE: '0',
      ATP_MAX_ACTIVE_RUNS: '0',
    },
  });
  fake = await startFakeOpenAI({ respond: hashPolicy, record: false });
  server = await serveApp(createApp(ctx.deps));
  for (let i = 0; i < 4; i++) {
    const { tenantId, token } = await tokenFor(ctx.deps, `sse-lab-${i}`);
    const endpoint = await createEndpointRow(ctx.deps, tenantId, { baseUrl: fake.url, maxConcurrency: 16 });
    // no worker yet: the runs stay queued while the streams are open
    const { runId } = await createRun(ctx.deps, tenantId, { endpointId: endpoint.id, suite: 'atp-quick-v1', seed: i });
    tenants.push({ tenantId, token, runId });
  }
}, 120_000);

afterAll(async () => {
  for (const s of streams) s.req.destroy();
  agent.destroy();
  ctx?.deps.runEventHub.close();
  await server?.close();
  await fake?.close();
  await ctx?.close();
});

describe('1,000 open event streams', () => {
  it('are limited per tenant and in all (429 problem+json beyond), keep /healthz fast and share database reads', async () => {
    // tenant 0 fills its own limit; its next stream is refused while the server still has room
    for (let i = 0; i < PER_TENANT; i++) streams.push(await openStream(tenants[0]));
    const perTenant = await rawGet(`/v1/runs/${tenants[0].runId}/events`, tenants[0].token);
    expect(perTenant.status, perTenant.body).toBe(429);
    expect(perTenant.type).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(perTenant.body)).toMatchObject({ type: 'https://atp-bench.dev/problems/rate-limited', status: 429, limit: 'event_streams_per_tenant', max: PER_TENANT });
    expect(Number(perTenant.retryAfter)).toBeGreaterThan(0);

    // the other tenants fill the server
    for (let i = PER_TENANT; i < TOTAL; i++) streams.push(await openStream(tenants[1 + (i % 3)]));
    const global = await rawGet(`/v1/runs/${tenants[1].runId}/events`, tenants[1].token);
    expect(global.status, global.body).toBe(429);
    expect(JSON.parse(global.body)).toMatchObject({ type: 'https://atp-bench.dev/problems/rate-limited', limit: 'event_streams', max: TOTAL });
    // another tenant's run is still a 404 (the limit never tells whether a run exists)
    expect((await rawGet(`/v1/runs/${tenants[1].runId}/events`, tenants[0].token)).status).toBe(404);

    expect(streams.every((s) => s.status === 200)).toBe(true);
    await Promise.all(streams.map((s) => s.firstEvent));
    expect(streams.filter((s) => !s.events.has('status') || !s.events.has('progress')).length).toBe(0);
    expect(ctx.deps.runEventHub.stats()).toMatchObject({ streams: TOTAL, channels: tenants.length });

    // /healthz every 100 ms for 10 s while all of them are open
    const pollsBefore = ctx.deps.runEventHub.stats().polls;
    const started = performance.now();
    const latencies: number[] = [];
    while (performance.now() - started < 10_000) {
      const t0 = performance.now();
      const res = await fetch(`${server.url}/healthz`);
      await res.arrayBuffer();
      expect(res.status).toBe(200);
      latencies.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 100));
    }
    const window = performance.now() - started;
    const sorted = [...latencies].sort((a, b) => a - b);
    const p99 = sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)];
    expect(latencies.length).toBeGreaterThan(20);
    expect(p99, `healthz p99 ${Math.round(p99)} ms over ${latencies.length} samples`).toBeLessThan(1000);
    // one read per run per tick, not one per stream (a tick may be late under load, never early)
    const polls = ctx.deps.runEventHub.stats().polls - pollsBefore;
    expect(polls).toBeLessThanOrEqual(tenants.length * (Math.ceil(window / EVENT_INTERVAL_MS) + 2));
    expect(polls).toBeGreaterThan(0);
    expect(ctx.deps.runEventHub.stats().streams).toBe(TOTAL);
  }, 300_000);

  it('every stream delivers the terminal event once its run finishes, and its place is given back', async () => {
    const worker = startWorker(ctx.deps, { tickMs: 100 });
    try {
      for (const t of tenants) expect((await waitForRun(ctx.deps, t.runId, 240_000)).status).toBe('succeeded');
    } finally {
      await worker.stop();
    }
    const deadline = Date.now() + 60_000;
    while (streams.some((s) => !s.ended) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(streams.filter((s) => !s.ended).length).toBe(0);
    expect(streams.filter((s) => !s.events.has('end')).length).toBe(0);
    while (ctx.deps.runEventHub.stats().streams > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(ctx.deps.runEventHub.stats()).toMatchObject({ streams: 0, channels: 0 });
    // a place is free again
    const again = await openStream(tenants[0]);
    streams.push(again);
    expect(again.status).toBe(200);
    await again.firstEvent;
    expect(again.events.has('end')).toBe(true);
  }, 300_000);
});
