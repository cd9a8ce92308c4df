import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { createApp } from '../../src/app.js';
import type { App } from '../../src/http/env.js';
import { reports, tenants } from '../../src/db/schema.js';
import { AtpApiError, createAtpClient, getReport, getReportIfChanged, getRunIfChanged, unwrap } from '../../src/client/index.js';
import { ifNoneMatchHits } from '../../src/http/etag.js';
import { strongEtag } from '../../src/lib/etag.js';
import { createReadCaches, REPORT_TTL_MS, RUN_VIEW_TTL_MS, TENANT_TTL_MS } from '../../src/services/read-caches.js';
import { startWorker, type Worker } from '../../src/runner/worker.js';
import { bearer, buildTestDeps, tokenFor, type TestContext } from '../support/deps.js';
import { createEndpointRow } from '../support/fixtures.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/openai-server.js';
import { hashPolicy } from '../support/policies.js';
import { waitForRun } from '../support/runs.js';

// the caches read this clock, so expiry is driven by the test, never by elapsed time
let now = 0;
let ctx: TestContext;
let app: App;
let server: FakeOpenAI;
let worker: Worker;
let runId: string;
let token: string;

beforeAll(async () => {
  ctx = await buildTestDeps({ caches: createReadCaches({ now: () => now }) });
  app = createApp(ctx.deps);
  server = await startFakeOpenAI({ respond: hashPolicy });
  worker = startWorker(ctx.deps, { tickMs: 100 });
  const lab = await tokenFor(ctx.deps, 'etag-lab');
  token = lab.token;
  const endpoint = await createEndpointRow(ctx.deps, lab.tenantId, { baseUrl: server.url, maxConcurrency: 16 });
  const res = await app.request('/v1/runs', {
    method: 'POST',
    headers: { ...bearer(token), 'content-type': 'application/json' },
    body: JSON.stringify({ endpointId: endpoint.id, suite: 'atp-quick-v1', seed: 3 }),
  });
  runId = ((await res.json()) as { id: string }).id;
  expect((await waitForRun(ctx.deps, runId, 180_000)).status).toBe('succeeded');
}, 240_000);
afterAll(async () => {
  await worker.stop();
  await server.close();
  await ctx.close();
});

const get = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers: { ...bearer(token), ...headers } });
const storedBody = async () => (await ctx.deps.db.db.select().from(reports).where(eq(reports.runId, runId)))[0].body;

describe('If-None-Match matching', () => {
  it('matches the tag in a list, weakly, and on *', () => {
    expect(ifNoneMatchHits('"a"', '"a"')).toBe(true);
    expect(ifNoneMatchHits('"b", W/"a"', '"a"')).toBe(true);
    expect(ifNoneMatchHits('*', '"a"')).toBe(true);
    expect(ifNoneMatchHits('"b"', '"a"')).toBe(false);
    expect(ifNoneMatchHits(undefined, '"a"')).toBe(false);
  });
});

describe('finished reports', () => {
  it('carry a strong ETag of the stored bytes and answer a matching If-None-Match with 304 and no body', async () => {
    const res = await get(`/v1/runs/${runId}/report`);
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toBe(await storedBody());
    const etag = res.headers.get('etag')!;
    expect(etag).toBe(strongEtag(body));
    expect(etag.startsWith('W/')).toBe(false);
    expect(res.headers.get('cache-control')).toBe('private, no-cache');

    const again = await get(`/v1/runs/${runId}/report`, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(again.headers.get('etag')).toBe(etag);

    const other = await get(`/v1/runs/${runId}/report`, { 'if-none-match': '"something-else"' });
    expect(other.status).toBe(200);
    expect(await other.text()).toBe(body);
  });

  it('another tenant gets 404 even while the report is cached', async () => {
    await get(`/v1/runs/${runId}/report`);
    const stranger = await tokenFor(ctx.deps, 'etag-stranger');
    const res = await app.request(`/v1/runs/${runId}/report`, { headers: bearer(stranger.token) });
    expect(res.status).toBe(404);
    const probe = await app.request(`/v1/runs/${runId}/report`, { headers: { ...bearer(stranger.token), 'if-none-match': '*' } });
    expect(probe.status).toBe(404);
  });

  it('a rescore in this process replaces the cached bytes at once', async () => {
    const original = await storedBody();
    ctx.deps.caches.reports.set(runId, { tenantId: (await tokenFor(ctx.deps, 'etag-lab')).tenantId, body: '{"stale":true}', etag: '"stale"' });
    expect(await (await get(`/v1/runs/${runId}/report`)).text()).toBe('{"stale":true}');
    const rescored = await app.request(`/v1/runs/${runId}/rescore`, { method: 'POST', headers: bearer(token) });
    expect(rescored.status).toBe(200);
    const res = await get(`/v1/runs/${runId}/report`, { 'if-none-match': '"stale"' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(original);
    expect(res.headers.get('etag')).toBe(strongEtag(original));
  });

  it('a change made by another process is served once the cache entry expires (the stated staleness bound)', async () => {
    const original = await storedBody();
    const first = await get(`/v1/runs/${runId}/report`);
    const etag = first.headers.get('etag')!;
    const changed = original.replace('"atp-report/1"', '"atp-report/1" ');
    await ctx.deps.db.db.update(reports).set({ body: changed }).where(eq(reports.runId, runId));
    try {
      // within the TTL this process may still answer with the bytes it holds
      expect((await get(`/v1/runs/${runId}/report`, { 'if-none-match': etag })).status).toBe(304);
      now += REPORT_TTL_MS + 1;
      const fresh = await get(`/v1/runs/${runId}/report`, { 'if-none-match': etag });
      expect(fresh.status).toBe(200);
      expect(await fresh.text()).toBe(changed);
      expect(fresh.headers.get('etag')).toBe(strongEtag(changed));
    } finally {
      await ctx.deps.db.db.update(reports).set({ body: original }).where(eq(reports.runId, runId));
      ctx.deps.caches.reports.clear();
    }
  });
});

describe('the typed client', () => {
  it('revalidates with If-None-Match: unchanged is an answer, not an error; plain unwrap says what a 304 means', async () => {
    const client = createAtpClient({ baseUrl: 'http://atp.test', token, fetch: async (r) => app.request(r) });
    const report = await getReport(client, runId);
    const etag = strongEtag(await storedBody());
    expect(await getReportIfChanged(client, runId, etag)).toEqual({ modified: false, etag });
    expect(await getReportIfChanged(client, runId, '*')).toEqual({ modified: false, etag });
    const fresh = await getReportIfChanged(client, runId, '"old"');
    expect(fresh).toEqual({ modified: true, etag, data: report });

    const view = await getRunIfChanged(client, runId, '"old"');
    expect(view.modified).toBe(true);
    if (!view.modified) throw new Error('unreachable');
    expect(view.data.id).toBe(runId);
    expect(await getRunIfChanged(client, runId, view.etag!)).toEqual({ modified: false, etag: view.etag });

    const raw = await client.GET('/v1/runs/{id}/report', { params: { path: { id: runId }, header: { 'if-none-match': etag } } });
    expect(raw.response.status).toBe(304);
    expect(() => unwrap(raw)).toThrow(AtpApiError);
    expect(() => unwrap(raw)).toThrow(/304 Not Modified: the If-None-Match ETag is current/);
  });
});

describe('run view and leaderboard', () => {
  it('the run view carries an ETag of its bytes and answers 304 while unchanged', async () => {
    const res = await get(`/v1/runs/${runId}`);
    expect(res.status).toBe(200);
    const body = await res.text();
    const etag = res.headers.get('etag')!;
    expect(etag).toBe(strongEtag(body));
    expect((await get(`/v1/runs/${runId}`, { 'if-none-match': etag })).status).toBe(304);
    // a stale tag gets the full view
    expect((await get(`/v1/runs/${runId}`, { 'if-none-match': '"old"' })).status).toBe(200);
  });

  it("a finished run's view is read once, then served from the cache (straggler calls show within its TTL)", async () => {
    const calls = async () => ((await (await get(`/v1/runs/${runId}`)).json()) as { calls: { total: number; failed: number } }).calls;
    const before = await calls();
    expect(before.total).toBeGreaterThan(0);
    // a straggler: a call of the finished run that another process marks failed
    const [{ id }] = await ctx.deps.db.rows<{ id: number }>(sql`select min(id) as id from model_calls where run_id = ${runId} and error is null`);
    await ctx.deps.db.rows(sql`update model_calls set error = 'late' where id = ${id}`);
    try {
      expect(await calls()).toEqual(before);
      // the cached view is still the owner's alone
      const other = await tokenFor(ctx.deps, 'etag-other-lab');
      expect((await app.request(`/v1/runs/${runId}`, { headers: bearer(other.token) })).status).toBe(404);
      now += RUN_VIEW_TTL_MS + 1;
      expect(await calls()).toEqual({ ...before, failed: before.failed + 1 });
    } finally {
      await ctx.deps.db.rows(sql`update model_calls set error = null where id = ${id}`);
      ctx.deps.caches.runViews.clear();
    }
  });

  it('the public leaderboard carries an ETag and answers 304 while unchanged', async () => {
    const res = await app.request('/v1/leaderboard');
    expect(res.status).toBe(200);
    const etag = res.headers.get('etag')!;
    expect(res.headers.get('cache-control')).toBe('public, no-cache');
    const again = await app.request('/v1/leaderboard', { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
  });
});

describe('the authentication cache', () => {
  it('a warm token needs no database round trip; a removed tenant is refused once its entry expires', async () => {
    const { tenantId, token: t } = await tokenFor(ctx.deps, 'auth-cache-lab');
    const list = () => app.request('/v1/runs', { headers: bearer(t) });
    expect((await list()).status).toBe(200);
    expect(ctx.deps.caches.tenants.get(tenantId)).toBe(true);
    await ctx.deps.db.db.delete(tenants).where(eq(tenants.id, tenantId));
    // within the TTL the cached answer stands (the documented staleness)
    expect((await list()).status).toBe(200);
    now += TENANT_TTL_MS + 1;
    expect((await list()).status).toBe(401);
  });

  it('an unknown tenant is never cached: the same token works as soon as the tenant exists', async () => {
    const tenantId = 'tnt_created_later';
    const t = await ctx.deps.tokens.issue({ tenantId, scopes: ['runs:read'] });
    expect((await app.request('/v1/runs', { headers: bearer(t) })).status).toBe(401);
    await ctx.deps.db.db.execute(sql`insert into tenants (id, name, created_at) values (${tenantId}, 'created-later', now())`);
    expect((await app.request('/v1/runs', { headers: bearer(t) })).status).toBe(200);
  });
});
