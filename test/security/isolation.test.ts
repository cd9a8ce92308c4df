// Tenant isolation on every verb of every tenant-owned resource, driven by the OpenAPI document: tenant B (and an
// operator of another tenant) gets a 404 for tenant A's endpoints, runs and their sub-resources, whatever the verb,
// changes nothing and causes no model call; lists never show A's ids.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminOnlyOperations, expectNoWrites, expectProblem, fillPath, listOperations, loadOpenApiDoc, setupWorld, validBody, type Operation, type World } from './support.js';

const DOC = loadOpenApiDoc();
const OPS = listOperations(DOC).filter((o) => o.secured);
const BY_ID = OPS.filter((o) => o.pathParams.length > 0);
const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

let w: World;
/** a queued run of A (no worker runs after set-up): a cancel that leaked across tenants would change it */
let queuedRun: string;
let bEndpoint: string;

/** operator-only operations own no tenant data: they are refused (403) to tenants, which the hostile suite checks */
let adminOnly = new Set<string>();

beforeAll(async () => {
  w = await setupWorld();
  adminOnly = await adminOnlyOperations(w, OPS);
  const headersA = { 'content-type': 'application/json', authorization: `Bearer ${w.a.token}` };
  const q = await w.call('POST', '/v1/runs', { headers: headersA, body: JSON.stringify({ endpointId: w.ids.endpoint, suite: 'atp-quick-v1', seed: 9 }) });
  expect(q.status, q.text).toBe(202);
  queuedRun = q.json().id;
  const e = await w.call('POST', '/v1/endpoints', {
    headers: { 'content-type': 'application/json', authorization: `Bearer ${w.b.token}` },
    body: JSON.stringify({ name: 'b model', baseUrl: w.fake.url, model: 'fake-model' }),
  });
  expect(e.status, e.text).toBe(201);
  bEndpoint = e.json().id;
});
afterAll(() => w?.close());

const headers = (token: string) => ({ 'content-type': 'application/json', authorization: `Bearer ${token}` });

/** tenant A's ids for each path of the operation: the finished run, the queued one, the failed one */
function aPaths(op: Operation): string[] {
  if (op.path.startsWith('/v1/runs/')) {
    return [w.ids.run, queuedRun, w.ids.failedRun].map((id) => fillPath(w, op, (p) => (p === op.pathParams[0] ? id : undefined)));
  }
  if (op.path.startsWith('/v1/endpoints/')) {
    return [w.ids.endpoint, w.ids.badKeyEndpoint].map((id) => fillPath(w, op, (p) => (p === op.pathParams[0] ? id : undefined)));
  }
  return [fillPath(w, op)];
}

describe.each(BY_ID)("$name on tenant A's resource", (op) => {
  it('is a 404 for tenant B and for an operator of another tenant; nothing changes, no model is called', async () => {
    if (adminOnly.has(op.name)) return;
    const calls = w.fake.stats.total;
    await expectNoWrites(w.deps, async () => {
      for (const token of [w.b.token, w.admin.token]) {
        for (const path of aPaths(op)) {
          const body = WITH_BODY.has(op.method) ? JSON.stringify(op.body ? validBody(w, op) : {}) : null;
          const res = await w.call(op.method, path, { headers: headers(token), body: op.body ? body : null });
          res.what += token === w.b.token ? ' [tenant B]' : ' [operator of another tenant]';
          const problem = expectProblem(res, [404], ['not-found']);
          // a 404 says nothing about the resource
          expect(res.text).not.toContain(w.a.tenantId);
          expect(problem.detail).not.toMatch(/tenant|belongs|forbidden|owner/i);
        }
      }
    });
    expect(w.fake.stats.total).toBe(calls);
  });

  // writes by the owner are covered by the route tests
  if (op.method === 'GET') it('answers tenant A (the owner) with something other than a 404', async () => {
    for (const path of aPaths(op).slice(0, 1)) {
      const res = await w.call(op.method, path, { headers: headers(w.a.token) });
      expect(res.status, `${res.what} ${res.text.slice(0, 200)}`).not.toBe(404);
    }
  });
});

describe('bodies that name tenant A’s resources', () => {
  const ops = OPS.filter((o) => o.body && JSON.stringify(o.body).match(/"(endpointId|runId|endpointIds)"/));

  it.each(ops.map((o) => [o.name, o] as const))('%s with A’s ids is a 404 for tenant B', async (_name, op) => {
    if (adminOnly.has(op.name)) return;
    await expectNoWrites(w.deps, async () => {
      const res = await w.call(op.method, fillPath(w, op), { headers: headers(w.b.token), body: JSON.stringify(validBody(w, op)) });
      res.what += ' [tenant B]';
      expectProblem(res, [404], ['not-found']);
    });
  });

  it("B cannot use A's endpoint as a baseline of its own run", async () => {
    await expectNoWrites(w.deps, async () => {
      const res = await w.call('POST', '/v1/runs', {
        headers: headers(w.b.token),
        body: JSON.stringify({ endpointId: bEndpoint, suite: 'atp-quick-v1', baselines: { endpointIds: [w.ids.endpoint] } }),
      });
      const problem = expectProblem(res, [404], ['not-found']);
      expect(problem.errors?.map((e) => e.path)).toContain('body.baselines.endpointIds.0');
    });
  });
});

describe('lists', () => {
  const lists = OPS.filter((o) => o.method === 'GET' && o.pathParams.length === 0);

  it.each(lists.map((o) => [o.name, o] as const))("%s never shows tenant A's ids to tenant B", async (_name, op) => {
    const aIds = [w.ids.endpoint, w.ids.badKeyEndpoint, w.ids.run, w.ids.failedRun, queuedRun];
    for (const qs of ['', '?limit=100', `?endpointId=${w.ids.endpoint}`, '?status=succeeded', '?status=queued']) {
      const res = await w.call('GET', op.path + qs, { headers: headers(w.b.token) });
      if (res.status >= 400) {
        expectProblem(res);
        continue;
      }
      for (const id of aIds) expect(res.text, `${res.what} leaks ${id}`).not.toContain(id);
    }
  });

  it("A's list shows A's resources (the filter is not simply empty)", async () => {
    const runs = await w.call('GET', '/v1/runs?limit=100', { headers: headers(w.a.token) });
    expect(runs.json().items.map((r: { id: string }) => r.id)).toEqual(expect.arrayContaining([w.ids.run, queuedRun]));
    const endpoints = await w.call('GET', '/v1/endpoints?limit=100', { headers: headers(w.a.token) });
    expect(endpoints.json().items.map((e: { id: string }) => e.id)).toContain(w.ids.endpoint);
    expect(endpoints.text).not.toContain(bEndpoint);
  });
});
