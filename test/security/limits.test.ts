// Limits: the per-tenant run-creation rate (fixed window in `rate_counters`, shared by every API process), the cap on
// active runs, the pagination limits and the 1 MB body limit.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, MAX_BODY_BYTES } from '../../src/app.js';
import { buildDeps } from '../../src/bootstrap.js';
import { ConfigError, parseConfig } from '../../src/config/config.js';
import { openDb } from '../../src/db/client.js';
import type { App } from '../../src/http/env.js';
import { RATE_WINDOW_MS, windowStart } from '../../src/services/run-rate-limit.js';
import { createLogger } from '../../src/lib/logger.js';
import { buildTestDeps, jsonHeaders, TEST_SECRET, tokenFor, type TestContext } from '../support/deps.js';
import { usingPostgres } from '../support/db.js';
import { createEndpointRow } from '../support/fixtures.js';
import { expectProblem, type Recorded } from './support.js';

/** A clock the test moves (the rate window follows deps.clock). */
function movableClock(start = Date.UTC(2026, 10, 27, 9, 0, 10)) {
  let now = start;
  return { now: () => new Date(now), advance: (ms: number) => (now += ms), set: (ms: number) => (now = ms) };
}

async function record(res: Response, what: string): Promise<Recorded> {
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, what, json: () => JSON.parse(text) };
}

async function setup(env: Record<string, string>) {
  const clock = movableClock();
  const ctx = await buildTestDeps({ env, clock });
  const app = createApp(ctx.deps);
  const lab = await tokenFor(ctx.deps, 'limits-lab');
  const endpoint = await createEndpointRow(ctx.deps, lab.tenantId, { baseUrl: 'http://127.0.0.1:9/v1' });
  const create = async (body: Record<string, unknown> = {}, headers: Record<string, string> = {}, on: App = app, token = lab.token, endpointId = endpoint.id) =>
    record(
      await on.request('/v1/runs', {
        method: 'POST',
        headers: { ...jsonHeaders(token), ...headers },
        body: JSON.stringify({ endpointId, suite: 'atp-quick-v1', ...body }),
      }),
      'POST /v1/runs',
    );
  const runCount = async () => Number((await ctx.deps.db.rows<{ n: string | number }>(sql`select count(*) as n from runs`))[0].n);
  return { ctx, app, clock, lab, endpoint, create, runCount };
}

describe('configuration', () => {
  it('defaults to 60 runs per minute and 20 active runs; 0 turns a limit off; nonsense is refused', () => {
    const d = parseConfig({});
    expect(d.runRatePerMinute).toBe(60);
    expect(d.maxActiveRuns).toBe(20);
    const off = parseConfig({ ATP_RUN_RATE_PER_MINUTE: '0', ATP_MAX_ACTIVE_RUNS: '0' });
    expect([off.runRatePerMinute, off.maxActiveRuns]).toEqual([0, 0]);
    expect(() => parseConfig({ ATP_RUN_RATE_PER_MINUTE: 'lots' })).toThrow(ConfigError);
    expect(() => parseConfig({ ATP_MAX_ACTIVE_RUNS: '-1' })).toThrow(ConfigError);
  });
});

describe('run-creation rate (fixed window per tenant)', () => {
  let s: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    s = await setup({ ATP_RUN_RATE_PER_MINUTE: '3', ATP_MAX_ACTIVE_RUNS: '0' });
  });
  afterAll(() => s.ctx.close());

  it('the 4th run within a minute is 429 rate-limited with Retry-After, and writes nothing', async () => {
    for (let i = 0; i < 3; i++) expect((await s.create({ seed: i })).status).toBe(202);
    const before = await s.runCount();
    const res = await s.create({ seed: 99 });
    const problem = expectProblem(res, [429], ['rate-limited']);
    const retry = Number(res.headers.get('retry-after'));
    expect(Number.isInteger(retry) && retry >= 1 && retry <= 60).toBe(true);
    expect(problem).toMatchObject({ limit: 'runs_per_minute', max: 3, retryAfterSeconds: retry });
    expect(await s.runCount()).toBe(before);
    const [counter] = await s.ctx.deps.db.rows<{ count: number; window_start: string | number }>(sql`select count, window_start from rate_counters`);
    expect(counter.count).toBe(3);
    expect(Number(counter.window_start)).toBe(windowStart(s.clock.now().getTime()));
  });

  it('an idempotent replay is not counted and still answers 202', async () => {
    s.clock.advance(RATE_WINDOW_MS);
    const first = await s.create({ seed: 500 }, { 'idempotency-key': 'replay-1' });
    expect(first.status).toBe(202);
    expect((await s.create({ seed: 501 })).status).toBe(202);
    expect((await s.create({ seed: 502 })).status).toBe(202);
    expectProblem(await s.create({ seed: 503 }), [429], ['rate-limited']);
    const again = await s.create({ seed: 500 }, { 'idempotency-key': 'replay-1' });
    expect(again.status).toBe(202);
    expect(again.json().id).toBe(first.json().id);
  });

  it('invalid requests and other tenants do not consume the quota', async () => {
    s.clock.advance(RATE_WINDOW_MS);
    for (let i = 0; i < 5; i++) expectProblem(await s.create({ suite: 'no-such-suite' }), [400]);
    const other = await tokenFor(s.ctx.deps, 'limits-other');
    const otherEndpoint = await createEndpointRow(s.ctx.deps, other.tenantId, { baseUrl: 'http://127.0.0.1:9/v1' });
    for (let i = 0; i < 3; i++) expect((await s.create({ seed: 700 + i }, {}, s.app, other.token, otherEndpoint.id)).status).toBe(202);
    for (let i = 0; i < 3; i++) expect((await s.create({ seed: 600 + i })).status).toBe(202);
    expectProblem(await s.create({ seed: 610 }), [429], ['rate-limited']);
  });

  it('the next window allows runs again; old windows are cleaned up', async () => {
    s.clock.advance(RATE_WINDOW_MS);
    expect((await s.create({ seed: 800 })).status).toBe(202);
    const rows = await s.ctx.deps.db.rows<{ n: string | number }>(
      sql`select count(*) as n from rate_counters where tenant_id = ${s.lab.tenantId}`,
    );
    expect(Number(rows[0].n)).toBe(1);
  });

  it('holds across API processes sharing the database (concurrent creations)', async () => {
    s.clock.advance(RATE_WINDOW_MS);
    // a second "process": its own app and, on PostgreSQL, its own connection pool to the same database
    const handle = s.ctx.testDb.url ? await openDb({ databaseUrl: s.ctx.testDb.url, maxConnections: 5 }) : s.ctx.deps.db;
    try {
      const other = createApp({
        ...buildDeps({ config: s.ctx.deps.config, db: handle, logger: createLogger({ level: 'silent' }), secret: TEST_SECRET }),
        clock: s.ctx.deps.clock,
      });
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => s.create({ seed: 900 + i }, {}, i % 2 ? other : s.app)));
      const statuses = results.map((r) => r.status).sort();
      expect(statuses.filter((x) => x === 202)).toHaveLength(3);
      expect(statuses.filter((x) => x === 429)).toHaveLength(7);
    } finally {
      if (handle !== s.ctx.deps.db) await handle.close();
    }
  });
});

describe('active runs (queued + running) per tenant', () => {
  let s: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    s = await setup({ ATP_RUN_RATE_PER_MINUTE: '0', ATP_MAX_ACTIVE_RUNS: '2', ATP_MAX_CALLS_PER_RUN: '2000' });
  });
  afterAll(() => s.ctx.close());

  it('a 3rd active run is 429 (active_runs); cancelling one frees a slot', async () => {
    const a = await s.create({ seed: 1 });
    expect(a.status).toBe(202);
    expect((await s.create({ seed: 2 })).status).toBe(202);
    const before = await s.runCount();
    const res = await s.create({ seed: 3 });
    const problem = expectProblem(res, [429], ['rate-limited']);
    expect(problem).toMatchObject({ limit: 'active_runs', max: 2 });
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await s.runCount()).toBe(before);
    const cancel = await s.app.request(`/v1/runs/${a.json().id}/cancel`, { method: 'POST', headers: jsonHeaders(s.lab.token) });
    expect(cancel.status).toBe(200);
    expect((await s.create({ seed: 4 })).status).toBe(202);
    expectProblem(await s.create({ seed: 5 }), [429], ['rate-limited']);
  });

  it('at the cap, a run too large for any room is told so (422, final), not told to wait (429)', async () => {
    const [row] = await s.ctx.deps.db.rows<{ n: string | number }>(
      sql`select count(*) as n from runs where tenant_id = ${s.lab.tenantId} and status in ('queued', 'running')`,
    );
    expect(Number(row.n)).toBe(2);
    expectProblem(await s.create({ seed: 6 }), [429], ['rate-limited']);
    const tooLarge = expectProblem(await s.create({ seed: 7, samples: 10, suite: 'atp-standard-v2' }), [422], ['run-too-large']);
    expect(tooLarge).toMatchObject({ limit: 'calls_per_run', max: 2000 });
  });

  it('concurrent creations cannot exceed the cap', async () => {
    const other = await tokenFor(s.ctx.deps, 'limits-race');
    const ep = await createEndpointRow(s.ctx.deps, other.tenantId, { baseUrl: 'http://127.0.0.1:9/v1' });
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => s.create({ seed: 50 + i }, {}, s.app, other.token, ep.id)));
    expect(results.filter((r) => r.status === 202)).toHaveLength(2);
    for (const r of results.filter((x) => x.status !== 202)) expectProblem(r, [429], ['rate-limited']);
    const [row] = await s.ctx.deps.db.rows<{ n: string | number }>(
      sql`select count(*) as n from runs where tenant_id = ${other.tenantId} and status in ('queued', 'running')`,
    );
    expect(Number(row.n)).toBe(2);
  });
});

describe('pagination and body limits', () => {
  let ctx: TestContext;
  let token: string;
  let runId: string;
  beforeAll(async () => {
    ctx = await buildTestDeps();
    const lab = await tokenFor(ctx.deps, 'paging-lab');
    token = lab.token;
    const ep = await createEndpointRow(ctx.deps, lab.tenantId, { baseUrl: 'http://127.0.0.1:9/v1' });
    const res = await createApp(ctx.deps).request('/v1/runs', { method: 'POST', headers: jsonHeaders(token), body: JSON.stringify({ endpointId: ep.id, suite: 'atp-quick-v1' }) });
    runId = ((await res.json()) as { id: string }).id;
  });
  afterAll(() => ctx.close());

  it('page sizes are bounded: endpoints and runs 1–100, transcripts 1–500', async () => {
    const app = createApp(ctx.deps);
    const get = async (p: string) => record(await app.request(p, { headers: jsonHeaders(token) }), `GET ${p}`);
    for (const p of ['/v1/endpoints?limit=101', '/v1/endpoints?limit=0', '/v1/runs?limit=101', '/v1/runs?limit=0', `/v1/runs/${runId}/transcripts?limit=501`, `/v1/runs/${runId}/transcripts?limit=0`]) {
      expectProblem(await get(p), [400], ['validation-failed']);
    }
    for (const p of ['/v1/endpoints?limit=100', '/v1/runs?limit=100', `/v1/runs/${runId}/transcripts?limit=500`]) {
      expect((await get(p)).status, p).toBe(200);
    }
  });

  it('bodies up to 1 MB are read; one byte more is 413', async () => {
    const app = createApp(ctx.deps);
    const sized = (n: number) => {
      const prefix = '{"name":"';
      const suffix = '"}';
      return prefix + 'x'.repeat(n - prefix.length - suffix.length) + suffix;
    };
    const post = async (body: string) => record(await app.request('/v1/endpoints', { method: 'POST', headers: jsonHeaders(token), body }), 'POST /v1/endpoints');
    expectProblem(await post(sized(MAX_BODY_BYTES)), [400], ['validation-failed']);
    expectProblem(await post(sized(MAX_BODY_BYTES + 1)), [413], ['payload-too-large']);
  });
});

describe.runIf(usingPostgres())('on PostgreSQL', () => {
  it('the rate window is shared through the database (rate_counters)', async () => {
    const s = await setup({ ATP_RUN_RATE_PER_MINUTE: '2', ATP_MAX_ACTIVE_RUNS: '0' });
    try {
      const second = await openDb({ databaseUrl: s.ctx.testDb.url!, maxConnections: 2 });
      try {
        const other = createApp({ ...buildDeps({ config: s.ctx.deps.config, db: second, logger: createLogger({ level: 'silent' }), secret: TEST_SECRET }), clock: s.ctx.deps.clock });
        expect((await s.create({ seed: 1 })).status).toBe(202);
        expect((await s.create({ seed: 2 }, {}, other)).status).toBe(202);
        expectProblem(await s.create({ seed: 3 }), [429], ['rate-limited']);
        expectProblem(await s.create({ seed: 4 }, {}, other), [429], ['rate-limited']);
      } finally {
        await second.close();
      }
    } finally {
      await s.ctx.close();
    }
  });
});
