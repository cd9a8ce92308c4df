import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createApp } from '../../src/app.js';
import type { App } from '../../src/http/env.js';
import { ProblemSchema } from '../../src/http/problem-schema.js';
import { buildTestDeps, jsonHeaders, tokenFor, type TestContext } from '../support/deps.js';
import { usingPostgres } from '../support/db.js';

let ctx: TestContext;
let app: App;
let token: string;

beforeAll(async () => {
  ctx = await buildTestDeps();
  app = createApp(ctx.deps);
  token = (await tokenFor(ctx.deps, 'lab-a')).token;
});
afterAll(() => ctx.close());

async function expectProblem(res: Response, status: number, type: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = ProblemSchema.parse(await res.json());
  expect(body.status).toBe(status);
  expect(body.type).toBe(`https://atp-bench.dev/problems/${type}`);
  expect(body.detail.length).toBeGreaterThan(0);
  expect(res.headers.get('x-request-id')).toBeTruthy();
  return body;
}

describe('every error is RFC 9457 problem+json with a stable type', () => {
  it('validation failure → 400 with errors[] naming the fields', async () => {
    const res = await app.request('/v1/runs', { method: 'POST', headers: jsonHeaders(token), body: JSON.stringify({ suite: 5, extra: 1 }) });
    const body = await expectProblem(res, 400, 'validation-failed');
    const paths = (body.errors ?? []).map((e) => e.path);
    expect(paths).toContain('body.endpointId');
    expect(paths).toContain('body.suite');
  });

  it('malformed JSON → 400 malformed-json', async () => {
    const res = await app.request('/v1/runs', { method: 'POST', headers: jsonHeaders(token), body: '{"endpointId": ' });
    await expectProblem(res, 400, 'malformed-json');
  });

  it('non-JSON content type → 415', async () => {
    const res = await app.request('/v1/runs', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' },
      body: 'hello',
    });
    await expectProblem(res, 415, 'unsupported-media-type');
  });

  it('body over 1 MB → 413', async () => {
    const big = JSON.stringify({ endpointId: 'x'.repeat(1_100_000), suite: 'atp-quick-v1' });
    const res = await app.request('/v1/runs', { method: 'POST', headers: jsonHeaders(token), body: big });
    await expectProblem(res, 413, 'payload-too-large');
  });

  it('unknown route → 404, wrong method → 405 with Allow', async () => {
    await expectProblem(await app.request('/v1/nope'), 404, 'not-found');
    const res = await app.request('/v1/runs/run_x', { method: 'DELETE', headers: jsonHeaders(token) });
    await expectProblem(res, 405, 'method-not-allowed');
    expect(res.headers.get('allow')).toContain('GET');
    // a trailing slash is another path: 404 saying which route was meant, not a 405 that "allows" GET
    for (const method of ['GET', 'POST']) {
      const slash = await app.request('/v1/runs/', { method, headers: jsonHeaders(token), ...(method === 'POST' ? { body: '{}' } : {}) });
      const body = await expectProblem(slash, 404, 'not-found');
      expect(body.detail).toContain('did you mean /v1/runs, without the trailing slash?');
    }
  });

  it('no token → 401, admin route without admin scope → 403', async () => {
    await expectProblem(await app.request('/v1/runs'), 401, 'unauthorized');
    const res = await app.request('/v1/tenants', { method: 'POST', headers: jsonHeaders(token), body: JSON.stringify({ name: 'x' }) });
    await expectProblem(res, 403, 'forbidden');
  });

  it('unexpected error → 500 without internals', async () => {
    const broken = createApp({ ...ctx.deps, db: { ...ctx.deps.db, rows: async () => { throw new Error('secret internals: password=hunter2'); } } });
    broken.get('/boom', () => {
      throw new Error('secret internals: password=hunter2');
    });
    const res = await broken.request('/boom');
    const body = await expectProblem(res, 500, 'internal');
    expect(JSON.stringify(body)).not.toContain('hunter2');
  });

  it('database down → /healthz 503', async () => {
    const down = async () => {
      throw new Error('down');
    };
    const broken = createApp({ ...ctx.deps, db: { ...ctx.deps.db, rows: down, ping: down } });
    await expectProblem(await broken.request('/healthz'), 503, 'unavailable');
  });

  it.runIf(usingPostgres())('/healthz answers while every pooled connection is busy', async () => {
    // the service's pool (10 connections here) all held by slow queries: the health check has its own connection
    const busy = Array.from({ length: 10 }, () => ctx.deps.db.rows(sql`select pg_sleep(3)`));
    // a new app: no recent database answer to report, so the check makes its own round trip
    const fresh = createApp(ctx.deps);
    const first = await Promise.race([
      Promise.resolve(fresh.request('/healthz')).then((r) => `healthz ${r.status}`),
      Promise.race(busy).then(() => 'a pooled connection came free'),
    ]);
    await Promise.all(busy);
    expect(first).toBe('healthz 200');
  });
});

describe('public documents', () => {
  it('/healthz checks the database', async () => {
    const res = await app.request('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', database: ctx.deps.db.kind });
  });

  it('/openapi.json is OpenAPI 3.1 with every route documented with responses', async () => {
    const doc = (await (await app.request('/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/v1/runs'].post.responses['202']).toBeTruthy();
    expect(doc.paths['/v1/runs/{id}/events'].get).toBeTruthy();
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        expect(Object.keys(op.responses).length, `${method} ${path}`).toBeGreaterThan(1);
      }
    }
    expect(doc.components.schemas.Problem).toBeTruthy();
    expect(doc.components.securitySchemes.bearerAuth).toBeTruthy();
  });

  it('/docs serves a page whose assets come from this server', async () => {
    const page = await (await app.request('/docs')).text();
    const srcs = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(srcs.length).toBeGreaterThan(2);
    for (const s of srcs) {
      expect(s.startsWith('/')).toBe(true);
      const res = await app.request(s);
      expect(res.status, s).toBe(200);
    }
  });
});
