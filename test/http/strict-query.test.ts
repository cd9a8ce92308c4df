import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import type { App } from '../../src/http/env.js';
import { bearer, buildTestDeps, tokenFor, type TestContext } from '../support/deps.js';

let ctx: TestContext;
let app: App;
let token: string;

beforeAll(async () => {
  ctx = await buildTestDeps();
  app = createApp(ctx.deps);
  token = (await tokenFor(ctx.deps, 'strict-query-lab')).token;
});
afterAll(async () => {
  await ctx.close();
});

type Problem = { type: string; status: number; detail: string; errors?: { path: string; message: string }[] };
const get = async (path: string, auth = true) => {
  const res = await app.request(path, { headers: auth ? bearer(token) : {} });
  return { status: res.status, body: (await res.json()) as Problem & { items?: unknown[] } };
};

describe('query parameters are checked, not skimmed', () => {
  it('an unknown parameter is a 400 naming the ones the route takes (a misspelt filter never answers with the unfiltered list)', async () => {
    const r = await get('/v1/runs?stauts=failed');
    expect(r.status).toBe(400);
    expect(r.body.type).toMatch(/validation-failed$/);
    expect(r.body.errors).toEqual([{ path: 'query.stauts', message: 'unknown parameter; this route takes status, endpointId, suite, limit, cursor' }]);
    const t = await get('/v1/endpoints?limt=5');
    expect(t.body.errors?.[0]).toEqual({ path: 'query.limt', message: 'unknown parameter; this route takes limit, cursor' });
    const board = await get('/v1/leaderboard?suit=atp-standard-v2', false);
    expect(board.status).toBe(400);
    expect(board.body.errors?.[0]?.path).toBe('query.suit');
  });

  it('a repeated parameter is a 400 saying so, not a type error about arrays', async () => {
    const r = await get('/v1/runs?status=running&status=failed');
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([{ path: 'query.status', message: 'given 2 times; give it once' }]);
    const board = await get('/v1/leaderboard?suite=a&suite=b&suite=c', false);
    expect(board.body.errors).toEqual([{ path: 'query.suite', message: 'given 3 times; give it once' }]);
  });

  it('echoes a long parameter name bounded, and reports at most 10', async () => {
    const long = 'x'.repeat(5000);
    const r = await get(`/v1/runs?${long}=1`);
    expect(r.status).toBe(400);
    expect(r.body.errors?.[0]?.path).toBe(`query.${'x'.repeat(64)}…`);
    const many = Array.from({ length: 50 }, (_, i) => `p${i}=1`).join('&');
    expect((await get(`/v1/runs?${many}`)).body.errors).toHaveLength(10);
  });

  it('authentication comes first: no token is 401 whatever the query says', async () => {
    expect((await get('/v1/runs?stauts=failed', false)).status).toBe(401);
  });

  it('the runs list filters by suite, and an unknown suite is a 400 listing the suites', async () => {
    const ok = await get('/v1/runs?suite=atp-quick-v2');
    expect(ok.status).toBe(200);
    expect(ok.body.items).toEqual([]);
    const bad = await get('/v1/runs?suite=atp-standrad-v2');
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.[0]?.path).toBe('query.suite');
    expect(bad.body.errors?.[0]?.message).toMatch(/^unknown suite "atp-standrad-v2"; suites: .*atp-standard-v2/);
  });

  it('every API route checks its query, those that take none too (public ones as well); pages outside the API do not', async () => {
    for (const path of ['/v1/runs/run_000000?x=1', '/v1/runs/run_000000/webhooks?x=1', '/v1/runs/run_000000/events?x=1']) {
      const r = await get(path);
      expect(r.status, path).toBe(400);
      expect(r.body.errors?.[0], path).toEqual({ path: 'query.x', message: 'unknown parameter; this route takes no query parameters' });
    }
    for (const path of ['/v1/testbeds?x=1', '/v1/suites?x=1', '/v1/suites/atp-quick-v2?x=1', '/v1/operator/baselines?suite=nope']) {
      expect((await get(path, false)).status, path).toBe(400);
    }
    expect((await get('/v1/testbeds', false)).status).toBe(200);
    expect((await app.request('/healthz?probe=1')).status).toBe(200);
  });
});
