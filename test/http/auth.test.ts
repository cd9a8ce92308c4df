import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, UnsecuredJWT } from 'jose';
import { createApp } from '../../src/app.js';
import type { App } from '../../src/http/env.js';
import { buildTestDeps, jsonHeaders, tokenFor, type TestContext } from '../support/deps.js';

let ctx: TestContext;
let app: App;

beforeAll(async () => {
  ctx = await buildTestDeps();
  app = createApp(ctx.deps);
});
afterAll(() => ctx.close());

const get = (path: string, token: string) => app.request(path, { headers: { authorization: `Bearer ${token}` } });

describe('bearer tokens', () => {
  it('a valid token is accepted', async () => {
    const { token } = await tokenFor(ctx.deps, 'lab-valid');
    expect((await get('/v1/runs', token)).status).toBe(200);
  });

  it('a tampered token is 401', async () => {
    const { token } = await tokenFor(ctx.deps, 'lab-tamper');
    const [h, p, s] = token.split('.');
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    payload.tnt = 'tnt_someone_else';
    const forged = [h, Buffer.from(JSON.stringify(payload)).toString('base64url'), s].join('.');
    expect((await get('/v1/runs', forged)).status).toBe(401);
    expect((await get('/v1/runs', token.slice(0, -2) + 'xx')).status).toBe(401);
  });

  it('an expired token is 401', async () => {
    const { tenantId } = await tokenFor(ctx.deps, 'lab-expired');
    const old = await ctx.deps.tokens.issue({ tenantId, scopes: ['runs:read'], ttlSeconds: 60, now: new Date(Date.now() - 3600_000) });
    const res = await get('/v1/runs', old);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/expired/);
  });

  it('an unsigned (alg none) token and one signed with another key are 401', async () => {
    const unsigned = new UnsecuredJWT({ tnt: 'tnt_x', scope: 'runs:read admin' }).setIssuer('atp-bench').setAudience('atp-bench-api').setExpirationTime('1h').encode();
    expect((await get('/v1/runs', unsigned)).status).toBe(401);
    const other = await new SignJWT({ tnt: 'tnt_x', scope: 'runs:read' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('atp-bench')
      .setAudience('atp-bench-api')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('another-secret-another-secret-another-secret'));
    expect((await get('/v1/runs', other)).status).toBe(401);
  });

  it('a missing scope is 403', async () => {
    const { tenantId } = await tokenFor(ctx.deps, 'lab-scope');
    const readOnly = await ctx.deps.tokens.issue({ tenantId, scopes: ['runs:read'] });
    expect((await get('/v1/runs', readOnly)).status).toBe(200);
    const res = await app.request('/v1/runs', { method: 'POST', headers: jsonHeaders(readOnly), body: JSON.stringify({ endpointId: 'end_x', suite: 'atp-quick-v1' }) });
    expect(res.status).toBe(403);
  });

  it('POST /v1/tenants (admin) creates a tenant and returns a working token', async () => {
    const { token: admin } = await tokenFor(ctx.deps, 'operator', true);
    const res = await app.request('/v1/tenants', { method: 'POST', headers: jsonHeaders(admin), body: JSON.stringify({ name: 'new-lab' }) });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { token: string; name: string; created: boolean };
    expect(body.name).toBe('new-lab');
    expect((await get('/v1/runs', body.token)).status).toBe(200);
    const again = await app.request('/v1/tenants', { method: 'POST', headers: jsonHeaders(admin), body: JSON.stringify({ name: 'new-lab' }) });
    expect(again.status).toBe(200);
  });
});

describe('tenant isolation', () => {
  it("another tenant's run is 404 on every verb", async () => {
    const a = await tokenFor(ctx.deps, 'iso-a');
    const b = await tokenFor(ctx.deps, 'iso-b');
    const { createRun } = await import('../../src/services/runs.js');
    const { createEndpointRow } = await import('../support/fixtures.js');
    const endpoint = await createEndpointRow(ctx.deps, a.tenantId, { baseUrl: 'http://127.0.0.1:9/v1' });
    const { runId } = await createRun(ctx.deps, a.tenantId, { endpointId: endpoint.id, suite: 'atp-quick-v1' });
    expect((await get(`/v1/runs/${runId}`, a.token)).status).toBe(200);
    for (const path of ['', '/report', '/report.html', '/transcripts', '/events']) {
      expect((await get(`/v1/runs/${runId}${path}`, b.token)).status, path).toBe(404);
    }
    for (const path of ['/cancel', '/rescore']) {
      expect((await app.request(`/v1/runs/${runId}${path}`, { method: 'POST', headers: jsonHeaders(b.token) })).status, path).toBe(404);
    }
    const list = (await (await get('/v1/runs', b.token)).json()) as { items: unknown[] };
    expect(list.items).toHaveLength(0);
  });
});
