import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import type { App } from '../../src/http/env.js';
import { ProblemSchema } from '../../src/http/problem-schema.js';
import { checkEndpointUrl, type LookupFn } from '../../src/net/ssrf.js';
import { EndpointSchema } from '../../src/routes/endpoints/schema.js';
import { buildTestDeps, jsonHeaders, tokenFor, type TestContext } from '../support/deps.js';

// Deterministic DNS for host names (no network in tests): what a resolver might answer.
const DNS: Record<string, string[]> = {
  'metadata.google.internal': ['169.254.169.254'],
  localhost: ['127.0.0.1', '::1'],
  'rebind.example.com': ['93.184.216.34', '10.0.0.7'],
  'inference.acme.example': ['93.184.216.34'],
};
const fakeLookup: LookupFn = async (host) => {
  const addrs = DNS[host];
  if (!addrs) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return addrs.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

const REFUSED: Array<[string, RegExp]> = [
  ['http://127.0.0.1:1/v1', /loopback/],
  ['http://10.0.0.1/v1', /private/],
  ['http://169.254.169.254/v1', /link-local/],
  ['http://[::1]/v1', /loopback/],
  ['http://metadata.google.internal/v1', /metadata|local/],
  ['http://2130706433/v1', /127\.0\.0\.1.*loopback/],
  ['http://0x7f000001/v1', /loopback/],
  ['http://localhost:8000/v1', /local/],
  ['http://[::ffff:127.0.0.1]/v1', /loopback/],
  ['http://192.168.1.10:8000/v1', /private/],
  ['http://rebind.example.com/v1', /^(?!.*10\.0\.0\.7).*private or reserved address/],
  ['http://user:pass@inference.acme.example/v1', /credentials/],
];

async function setup(allowPrivate: boolean) {
  const ctx = await buildTestDeps({ env: { ATP_ALLOW_PRIVATE_ENDPOINTS: allowPrivate ? '1' : '0' } });
  // the production policy, with only the resolver replaced
  ctx.deps.checkUrl = (url) => checkEndpointUrl(url, { allowPrivate, lookup: fakeLookup });
  const app = createApp(ctx.deps);
  const { token } = await tokenFor(ctx.deps, 'lab-ssrf');
  return { ctx, app, token };
}

const post = (app: App, token: string, baseUrl: string) =>
  app.request('/v1/endpoints', { method: 'POST', headers: jsonHeaders(token), body: JSON.stringify({ name: 'x', baseUrl, model: 'm' }) });

describe('with ATP_ALLOW_PRIVATE_ENDPOINTS=0', () => {
  let ctx: TestContext;
  let app: App;
  let token: string;
  beforeAll(async () => {
    ({ ctx, app, token } = await setup(false));
    expect(ctx.deps.config.allowPrivateEndpoints).toBe(false);
  });
  afterAll(() => ctx?.close());

  it.each(REFUSED)('refuses %s with a 422 endpoint-refused problem naming the reason', async (url, reason) => {
    const res = await post(app, token, url);
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const p = ProblemSchema.parse(await res.json());
    expect(p.type).toBe('https://atp-bench.dev/problems/endpoint-refused');
    expect(p.detail).toMatch(reason);
    expect(p.errors?.[0]?.path).toBe('body.baseUrl');
  });

  it('the built-in policy (real deps.checkUrl) refuses the literal and local-name cases too', async () => {
    const real = await buildTestDeps({ env: { ATP_ALLOW_PRIVATE_ENDPOINTS: '0' } });
    try {
      const realApp = createApp(real.deps);
      const { token: t } = await tokenFor(real.deps, 'lab-real');
      for (const url of ['http://127.0.0.1:1/v1', 'http://10.0.0.1/v1', 'http://169.254.169.254/v1', 'http://[::1]/v1', 'http://metadata.google.internal/v1', 'http://2130706433/v1']) {
        const res = await post(realApp, t, url);
        expect(res.status, url).toBe(422);
        expect(((await res.json()) as { type: string }).type).toBe('https://atp-bench.dev/problems/endpoint-refused');
      }
    } finally {
      await real.close();
    }
  });

  it('accepts a public endpoint', async () => {
    const res = await post(app, token, 'https://inference.acme.example/v1/');
    expect(res.status).toBe(201);
    expect(EndpointSchema.parse(await res.json()).baseUrl).toBe('https://inference.acme.example/v1');
  });

  it('re-checks the URL on PATCH', async () => {
    const ep = EndpointSchema.parse(await (await post(app, token, 'https://inference.acme.example/v1')).json());
    for (const [url, reason] of REFUSED.slice(0, 6)) {
      const res = await app.request(`/v1/endpoints/${ep.id}`, { method: 'PATCH', headers: jsonHeaders(token), body: JSON.stringify({ baseUrl: url }) });
      expect(res.status, url).toBe(422);
      const p = ProblemSchema.parse(await res.json());
      expect(p.type).toBe('https://atp-bench.dev/problems/endpoint-refused');
      expect(p.detail).toMatch(reason);
    }
    const got = EndpointSchema.parse(await (await app.request(`/v1/endpoints/${ep.id}`, { headers: jsonHeaders(token) })).json());
    expect(got.baseUrl).toBe('https://inference.acme.example/v1');
  });

  it('a stored private URL is refused at probe time once the policy forbids it', async () => {
    const open = await setup(true);
    try {
      const ep = EndpointSchema.parse(await (await post(open.app, open.token, 'http://127.0.0.1:1/v1')).json());
      // same database, stricter policy
      const strict = createApp({ ...open.ctx.deps, checkUrl: (url) => checkEndpointUrl(url, { allowPrivate: false, lookup: fakeLookup }) });
      const res = await strict.request(`/v1/endpoints/${ep.id}/probe`, { method: 'POST', headers: jsonHeaders(open.token) });
      expect(res.status).toBe(422);
      expect(((await res.json()) as { type: string }).type).toBe('https://atp-bench.dev/problems/endpoint-refused');
    } finally {
      await open.ctx.close();
    }
  });
});

describe('with ATP_ALLOW_PRIVATE_ENDPOINTS=1', () => {
  let ctx: TestContext;
  let app: App;
  let token: string;
  beforeAll(async () => {
    ({ ctx, app, token } = await setup(true));
  });
  afterAll(() => ctx?.close());

  it.each(REFUSED.filter(([url]) => !url.includes('@')))('accepts %s', async (url) => {
    const res = await post(app, token, url);
    expect(res.status, await res.clone().text()).toBe(201);
    const ep = EndpointSchema.parse(await res.json());
    expect(ep.baseUrl).toBe(new URL(url).href.replace(/\/+$/, ''));
  });

  it('still refuses credentials in the URL', async () => {
    const res = await post(app, token, 'http://user:pass@inference.acme.example/v1');
    expect(res.status).toBe(422);
    expect(JSON.stringify(await res.json())).not.toContain('pass@');
  });
});
