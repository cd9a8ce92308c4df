import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { and, eq, sql } from 'drizzle-orm';
import { base64url, compactVerify, createLocalJWKSet, createRemoteJWKSet, decodeProtectedHeader, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { buildDeps } from '../../src/bootstrap.js';
import { jobs, runs, signingKeys, webhookDeliveries, type RunStatus } from '../../src/db/schema.js';
import type { Deps } from '../../src/deps.js';
import type { App } from '../../src/http/env.js';
import { createGuardedFetch } from '../../src/net/guarded-fetch.js';
import { claimJobs, completeJob } from '../../src/domain/jobs.js';
import { cancelRun } from '../../src/domain/run-lifecycle.js';
import { startWorker } from '../../src/runner/worker.js';
import { WebhookDeliveryListSchema } from '../../src/routes/runs/webhooks.js';
import { JwksSchema } from '../../src/routes/system/jwks.js';
import { createRun, WEBHOOK_CREDENTIALS_REFUSED } from '../../src/services/runs.js';
import { defaultBackoffMs, processWebhookJob, signWebhookBody, type WebhookDeliveryOptions } from '../../src/webhooks/deliver.js';
import { enqueueRunWebhook, type RunWebhookEvent } from '../../src/webhooks/enqueue.js';
import { ACTIVE_KID, getSigningKey, publicJwks } from '../../src/webhooks/signing-keys.js';
import { buildTestDeps, jsonHeaders, TEST_SECRET, tokenFor, type TestContext } from '../support/deps.js';
import { createEndpointRow } from '../support/fixtures.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/openai-server.js';
import { hashPolicy } from '../support/policies.js';
import { waitForRun } from '../support/runs.js';

// ---------------------------------------------------------------------------------------------------------------
// A webhook receiver: a real HTTP server that records raw bodies and answers with scripted statuses.
// ---------------------------------------------------------------------------------------------------------------

interface Received {
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

interface Receiver {
  url: string;
  received: Received[];
  close(): Promise<void>;
}

async function startReceiver(statusFor: (n: number) => number = () => 204): Promise<Receiver> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks) });
      const status = statusFor(received.length);
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status >= 300 ? `receiver says no (${status})` : '');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** How a receiver verifies: detached JWS → put the body's base64url between the dots → compact JWS. */
async function verifyDelivery(r: Received, keys: Parameters<typeof compactVerify>[1]) {
  const sig = String(r.headers['atp-signature'] ?? '');
  const [h, payload, s] = sig.split('.');
  expect(payload).toBe(''); // detached
  return compactVerify(`${h}.${base64url.encode(r.body)}.${s}`, keys as never);
}

// ---------------------------------------------------------------------------------------------------------------

let ctx: TestContext;
let app: App;
const closers: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  ctx = await buildTestDeps();
  app = createApp(ctx.deps);
});
afterAll(async () => {
  for (const c of closers.reverse()) await c();
  await ctx.close();
});

/** A finished run written directly (no model calls): for delivery mechanics. */
async function finishedRun(deps: Deps, tenantId: string, webhookUrl: string, status: RunStatus = 'failed') {
  const endpoint = await createEndpointRow(deps, tenantId, { baseUrl: 'http://127.0.0.1:9/v1' });
  const id = deps.ids.next('run');
  const now = deps.clock.now();
  await deps.db.db.insert(runs).values({
    id,
    tenantId,
    endpointId: endpoint.id,
    suiteId: 'atp-quick-v1',
    suiteVersion: '1.0.0',
    custom: false,
    seed: 0,
    samples: 1,
    request: { endpointId: endpoint.id, suite: 'atp-quick-v1', webhookUrl },
    params: {},
    webhookUrl,
    status,
    error: status === 'failed' ? { type: 'https://atp-bench.dev/problems/endpoint-error', title: 'Endpoint call failed', status: 422, detail: 'HTTP 401 from the endpoint' } : null,
    progressTotal: 10,
    requestHash: 'x',
    createdAt: now,
    startedAt: now,
    finishedAt: now,
  });
  return id;
}

/** A minimal worker for webhook jobs with an injected backoff: claims due jobs until the delivery settles. */
async function drainWebhookJobs(deps: Deps, deliveryId: string, opts: WebhookDeliveryOptions, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const claimed = await claimJobs(deps, 'test-drain', 10, 30_000);
    for (const job of claimed) {
      if (job.kind === 'webhook') await processWebhookJob(deps, job, opts);
      await completeJob(deps, 'test-drain', job.id);
    }
    const [d] = await deps.db.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, deliveryId));
    if (d && d.status !== 'pending') return d;
    if (Date.now() > end) throw new Error(`delivery ${deliveryId} still pending after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('signing keys', () => {
  it('are generated once, stored encrypted, and shared by every process (racing creators converge)', async () => {
    const t = await buildTestDeps();
    try {
      // a fresh `db` object per "process" defeats the in-process cache: each one reads or creates the row itself
      const processes = Array.from({ length: 5 }, () => ({ ...t.deps, db: { ...t.deps.db } }));
      const keys = await Promise.all(processes.map((d) => getSigningKey(d)));
      expect(new Set(keys.map((k) => k.kid))).toEqual(new Set([ACTIVE_KID]));
      const rows = await t.deps.db.db.select().from(signingKeys);
      expect(rows).toHaveLength(1);
      expect(rows[0].privateJwkEnc.split('.')).toHaveLength(5); // compact JWE
      expect(rows[0].privateJwkEnc).not.toContain('"d"');
      const plain = JSON.parse(await t.deps.secrets.decrypt(rows[0].privateJwkEnc, `signing-key:${ACTIVE_KID}`));
      expect(plain.d).toBeTruthy();
      await expect(t.deps.secrets.decrypt(rows[0].privateJwkEnc, 'signing-key:other')).rejects.toThrow();

      // every "process" signs verifiably with the stored key (a restart reads the same row)
      const jwks = await publicJwks(t.deps);
      expect(jwks.keys).toHaveLength(1);
      expect(jwks.keys[0]).not.toHaveProperty('d');
      const restarted = buildDeps({ config: t.deps.config, db: { ...t.deps.db }, logger: t.deps.logger, secret: TEST_SECRET });
      const sig = await signWebhookBody(restarted, '{"a":1}');
      const [h, , s] = sig.split('.');
      await compactVerify(`${h}.${base64url.encode('{"a":1}')}.${s}`, createLocalJWKSet(jwks as JSONWebKeySet));
    } finally {
      await t.close();
    }
  });

  it('GET /.well-known/jwks.json is public, documented and cacheable', async () => {
    const res = await app.request('/.well-known/jwks.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toMatch(/max-age/);
    const jwks = JwksSchema.parse(await res.json());
    expect(jwks.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig', kid: ACTIVE_KID });
    const doc = JSON.parse(await (await app.request('/openapi.json')).text());
    const op = doc.paths['/.well-known/jwks.json']?.get;
    expect(op).toBeTruthy();
    expect(op.security).toEqual([]); // public: declared, not inherited
    expect(doc.paths['/v1/runs/{id}/webhooks']?.get?.security).toEqual([{ bearerAuth: [] }]);
    for (const name of ['WebhookJwks', 'WebhookDelivery', 'WebhookDeliveryList']) expect(doc.components.schemas[name], name).toBeTruthy();
  });
});

describe('a real run with a webhookUrl', () => {
  it('POSTs one signed run.succeeded event that verifies with the served JWKS; a tampered body does not', async () => {
    const model = await startFakeOpenAI({ respond: hashPolicy });
    closers.push(() => model.close());
    const receiver = await startReceiver();
    closers.push(() => receiver.close());
    // the app served on an ephemeral port: the receiver knows only its JWKS URL
    const server: ServerType = await new Promise((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    closers.push(
      () =>
        new Promise<void>((r) => {
          server.close(() => r());
          (server as unknown as { closeAllConnections(): void }).closeAllConnections();
        }),
    );
    const appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const worker = startWorker(ctx.deps, { tickMs: 50 });
    closers.push(() => worker.stop());

    const { tenantId, token } = await tokenFor(ctx.deps, 'hook-lab');
    const endpoint = await createEndpointRow(ctx.deps, tenantId, { baseUrl: model.url, maxConcurrency: 16 });
    const res = await app.request('/v1/runs', {
      method: 'POST',
      headers: jsonHeaders(token),
      body: JSON.stringify({ endpointId: endpoint.id, suite: 'atp-quick-v1', seed: 3, webhookUrl: receiver.url }),
    });
    expect(res.status).toBe(202);
    const { id: runId } = (await res.json()) as { id: string };
    const run = await waitForRun(ctx.deps, runId, 120_000);
    expect(run.status).toBe('succeeded');

    const until = Date.now() + 10_000;
    while (receiver.received.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(receiver.received).toHaveLength(1);
    const got = receiver.received[0];
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['atp-event']).toBe('run.succeeded');

    const JWKS = createRemoteJWKSet(new URL(`${appUrl}/.well-known/jwks.json`));
    const verified = await verifyDelivery(got, JWKS);
    expect(verified.protectedHeader).toMatchObject({ alg: 'EdDSA', kid: ACTIVE_KID });
    expect(Buffer.from(verified.payload).equals(got.body)).toBe(true);

    const event = JSON.parse(got.body.toString('utf8')) as RunWebhookEvent;
    const [report] = await ctx.deps.db.rows<{ score: number; low_validity: boolean }>(
      sql`select score, low_validity from reports where run_id = ${runId}`,
    );
    expect(event).toEqual({
      type: 'run.succeeded',
      deliveryId: got.headers['atp-delivery'],
      runId,
      status: 'succeeded',
      suite: { id: 'atp-quick-v1', version: '1.0.0' },
      endpointId: endpoint.id,
      score: report.score,
      lowValidity: report.low_validity,
      error: null,
      finishedAt: run.finishedAt!.toISOString(),
      links: { run: `/v1/runs/${runId}`, report: `/v1/runs/${runId}/report` },
    });
    expect(typeof event.score).toBe('number');

    // tampering with one byte of the body (or reusing the signature for another body) fails verification
    const tampered = Buffer.from(got.body.toString('utf8').replace('"run.succeeded"', '"run.failed"'));
    await expect(verifyDelivery({ headers: got.headers, body: tampered }, JWKS)).rejects.toThrow();
    const scoreTampered = Buffer.from(got.body.toString('utf8').replace(/"score":[0-9.]+/, '"score":100'));
    expect(scoreTampered.equals(got.body)).toBe(false);
    await expect(verifyDelivery({ headers: got.headers, body: scoreTampered }, JWKS)).rejects.toThrow();

    // the delivery is listed on the run (and only for its tenant)
    const list = await app.request(`/v1/runs/${runId}/webhooks`, { headers: jsonHeaders(token) });
    expect(list.status).toBe(200);
    const { items } = WebhookDeliveryListSchema.parse(await list.json());
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      id: got.headers['atp-delivery'],
      type: 'run.succeeded',
      status: 'delivered',
      attempts: 1,
      lastStatusCode: 204,
      lastError: null,
      nextAttemptAt: null,
      url: receiver.url,
    });
    expect(items[0].deliveredAt).toBeTruthy();
    const other = await tokenFor(ctx.deps, 'hook-other-lab');
    expect((await app.request(`/v1/runs/${runId}/webhooks`, { headers: jsonHeaders(other.token) })).status).toBe(404);
    expect((await app.request(`/v1/runs/run_nope/webhooks`, { headers: jsonHeaders(token) })).status).toBe(404);
    expect((await app.request(`/v1/runs/${runId}/webhooks`)).status).toBe(401);

    // onRunTerminal is idempotent: enqueueing again neither adds a delivery nor sends again
    expect(await enqueueRunWebhook(ctx.deps, runId)).toBe(items[0].id);
    await new Promise((r) => setTimeout(r, 200));
    expect(receiver.received).toHaveLength(1);
    const rows = await ctx.deps.db.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.runId, runId));
    expect(rows).toHaveLength(1);

    await worker.stop();
  });

  it('a cancelled run sends run.cancelled (through the worker, from the cancel path)', async () => {
    const receiver = await startReceiver();
    closers.push(() => receiver.close());
    const model = await startFakeOpenAI({ respond: hashPolicy, latencyMs: 60_000 });
    closers.push(() => model.close());
    const { tenantId } = await tokenFor(ctx.deps, 'hook-cancel-lab');
    const endpoint = await createEndpointRow(ctx.deps, tenantId, { baseUrl: model.url, maxConcurrency: 2 });
    const { runId } = await createRun(ctx.deps, tenantId, { endpointId: endpoint.id, suite: 'atp-quick-v1', webhookUrl: receiver.url });
    const worker = startWorker(ctx.deps, { tickMs: 50 });
    closers.push(() => worker.stop());
    expect(await cancelRun(ctx.deps, runId)).toBe(true);
    const until = Date.now() + 10_000;
    while (receiver.received.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(receiver.received).toHaveLength(1);
    const event = JSON.parse(receiver.received[0].body.toString('utf8')) as RunWebhookEvent;
    expect(event).toMatchObject({ type: 'run.cancelled', status: 'cancelled', runId, score: null, lowValidity: null, error: null });
    expect(event.links.report).toBeNull();
    await worker.stop();
  });
});

describe('delivery retries', () => {
  it('500, 500, then 200 → delivered after 3 attempts, each one signed; retries are jobs due in the future', async () => {
    const receiver = await startReceiver((n) => (n <= 2 ? 500 : 200));
    closers.push(() => receiver.close());
    const { tenantId, token } = await tokenFor(ctx.deps, 'retry-lab');
    const runId = await finishedRun(ctx.deps, tenantId, receiver.url, 'failed');
    const deliveryId = (await enqueueRunWebhook(ctx.deps, runId))!;
    expect(deliveryId).toMatch(/^whd_/);

    // after the first failure the next attempt is a queued job whose run_at lies in the future
    const first = await claimJobs(ctx.deps, 'test-drain', 10, 30_000);
    expect(first.map((j) => j.kind)).toEqual(['webhook']);
    expect(await processWebhookJob(ctx.deps, first[0], { backoffMs: () => 60_000 })).toBe('retry');
    await completeJob(ctx.deps, 'test-drain', first[0].id);
    const [pending] = await ctx.deps.db.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, deliveryId));
    expect(pending).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: 500 });
    expect(pending.lastError).toContain('HTTP 500: receiver says no (500)');
    expect(pending.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now() + 50_000);
    const queued = await ctx.deps.db.db.select().from(jobs).where(and(eq(jobs.kind, 'webhook'), eq(jobs.status, 'queued')));
    expect(queued).toHaveLength(1);
    expect(queued[0].payload).toEqual({ deliveryId, attempt: 2 });
    expect(queued[0].runAt.getTime()).toBeGreaterThan(Date.now() + 50_000);
    expect(await claimJobs(ctx.deps, 'test-drain', 10, 30_000)).toEqual([]); // not due yet
    // bring it forward (as if the time had passed) and go on with a tiny backoff
    await ctx.deps.db.db.update(jobs).set({ runAt: new Date(Date.now() - 1000) }).where(eq(jobs.id, queued[0].id));

    const done = await drainWebhookJobs(ctx.deps, deliveryId, { backoffMs: () => 20 });
    expect(done).toMatchObject({ status: 'delivered', attempts: 3, lastStatusCode: 200, lastError: null, nextAttemptAt: null });
    expect(receiver.received).toHaveLength(3);
    expect(receiver.received.map((r) => r.headers['atp-attempt'])).toEqual(['1', '2', '3']);
    // the same body every time, each attempt verifiably signed
    const jwks = createLocalJWKSet(JwksSchema.parse(await (await app.request('/.well-known/jwks.json')).json()) as JSONWebKeySet);
    for (const r of receiver.received) {
      expect(r.body.equals(receiver.received[0].body)).toBe(true);
      expect(r.headers['atp-delivery']).toBe(deliveryId);
      expect(r.headers['atp-event']).toBe('run.failed');
      await verifyDelivery(r, jwks);
    }
    const event = JSON.parse(receiver.received[0].body.toString('utf8')) as RunWebhookEvent;
    expect(event).toMatchObject({ type: 'run.failed', status: 'failed', score: null, error: { status: 422, detail: 'HTTP 401 from the endpoint' } });

    const { items } = WebhookDeliveryListSchema.parse(await (await app.request(`/v1/runs/${runId}/webhooks`, { headers: jsonHeaders(token) })).json());
    expect(items).toEqual([
      expect.objectContaining({ id: deliveryId, type: 'run.failed', status: 'delivered', attempts: 3, lastStatusCode: 200 }),
    ]);
  });

  it('gives up after maxAttempts (failed, last error kept); a stale job for an old attempt sends nothing', async () => {
    const receiver = await startReceiver(() => 503);
    closers.push(() => receiver.close());
    const { tenantId } = await tokenFor(ctx.deps, 'giveup-lab');
    const runId = await finishedRun(ctx.deps, tenantId, receiver.url, 'cancelled');
    const deliveryId = (await enqueueRunWebhook(ctx.deps, runId))!;
    const done = await drainWebhookJobs(ctx.deps, deliveryId, { backoffMs: () => 5, maxAttempts: 4 });
    expect(done).toMatchObject({ status: 'failed', attempts: 4, lastStatusCode: 503, nextAttemptAt: null, deliveredAt: null });
    expect(done.lastError).toMatch(/^HTTP 503/);
    expect(receiver.received).toHaveLength(4);

    // a duplicate job (e.g. re-claimed after a lease expiry) for an attempt already made is a no-op
    const [stale] = await ctx.deps.db.db
      .insert(jobs)
      .values({ kind: 'webhook', runId, status: 'queued', payload: { deliveryId, attempt: 2 } })
      .returning();
    expect(await processWebhookJob(ctx.deps, stale)).toBe('skipped');
    expect(receiver.received).toHaveLength(4);
    await ctx.deps.db.db.update(jobs).set({ status: 'done' }).where(eq(jobs.id, stale.id));
  });

  it('a receiver that never answers times out and is retried', async () => {
    const hanging = http.createServer(() => {
      /* never answers */
    });
    await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', r));
    closers.push(
      () =>
        new Promise<void>((r) => {
          hanging.close(() => r());
          hanging.closeAllConnections();
        }),
    );
    const url = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/hook`;
    const { tenantId } = await tokenFor(ctx.deps, 'timeout-lab');
    const runId = await finishedRun(ctx.deps, tenantId, url);
    const deliveryId = (await enqueueRunWebhook(ctx.deps, runId))!;
    const done = await drainWebhookJobs(ctx.deps, deliveryId, { backoffMs: () => 5, maxAttempts: 2, timeoutMs: 100 });
    expect(done).toMatchObject({ status: 'failed', attempts: 2, lastStatusCode: null, lastError: 'no answer within 100 ms' });
  });

  it('default backoff: 1 s, 2 s, 4 s … capped', () => {
    expect([1, 2, 3, 4, 7].map(defaultBackoffMs)).toEqual([1000, 2000, 4000, 8000, 64000]);
    expect(defaultBackoffMs(30)).toBe(600_000);
  });
});

describe('SSRF policy for webhook URLs', () => {
  it('a webhookUrl on a private address is refused at run creation when private endpoints are disallowed', async () => {
    const strict = await buildTestDeps({ env: { ATP_ALLOW_PRIVATE_ENDPOINTS: '0' } });
    try {
      const strictApp = createApp(strict.deps);
      const { tenantId, token } = await tokenFor(strict.deps, 'ssrf-lab');
      const endpoint = await createEndpointRow(strict.deps, tenantId, { baseUrl: 'https://models.example.com/v1' });
      for (const webhookUrl of ['http://127.0.0.1:8080/hook', 'http://10.1.2.3/hook', 'http://169.254.169.254/latest/meta-data', 'http://[::1]/hook']) {
        const res = await strictApp.request('/v1/runs', {
          method: 'POST',
          headers: jsonHeaders(token),
          body: JSON.stringify({ endpointId: endpoint.id, suite: 'atp-quick-v1', webhookUrl }),
        });
        expect(res.status, webhookUrl).toBe(400);
        const problem = (await res.json()) as { errors: { path: string }[] };
        expect(problem.errors.map((e) => e.path)).toContain('body.webhookUrl');
      }
      const [{ n }] = await strict.deps.db.rows<{ n: number | string }>(sql`select count(*) as n from runs`);
      expect(Number(n)).toBe(0);
    } finally {
      await strict.close();
    }
  });

  it('credentials in a webhookUrl are refused with webhook advice (deliveries are signed), not the endpoint URL\'s', async () => {
    const { tenantId, token } = await tokenFor(ctx.deps, 'webhook-creds-lab');
    const endpoint = await createEndpointRow(ctx.deps, tenantId, { baseUrl: 'https://models.example.com/v1' });
    for (const webhookUrl of ['https://user:pw@ci.example.com/hook', 'https://token@ci.example.com/hook']) {
      const res = await app.request('/v1/runs', {
        method: 'POST',
        headers: jsonHeaders(token),
        body: JSON.stringify({ endpointId: endpoint.id, suite: 'atp-quick-v1', webhookUrl }),
      });
      expect(res.status, webhookUrl).toBe(400);
      const problem = (await res.json()) as { detail: string; errors: { path: string; message: string }[] };
      const error = problem.errors.find((e) => e.path === 'body.webhookUrl');
      expect(error?.message, webhookUrl).toBe(WEBHOOK_CREDENTIALS_REFUSED);
      expect(error?.message).toMatch(/^credentials in a webhook URL are refused: deliveries are signed instead \(the ATP-Signature header/);
      expect(error?.message).toContain('/.well-known/jwks.json');
      // a webhook has neither an API key nor headers
      expect(JSON.stringify(problem)).not.toMatch(/API key or headers/);
      expect(JSON.stringify(problem)).not.toContain('pw@');
    }
    // the endpoint's baseUrl keeps its own advice
    const base = await app.request('/v1/endpoints', {
      method: 'POST',
      headers: jsonHeaders(token),
      body: JSON.stringify({ name: 'creds', baseUrl: 'https://user:pw@models.example.com/v1', model: 'm' }),
    });
    expect(JSON.stringify(await base.json())).toContain('credentials in the URL are not allowed (use the API key or headers)');
  });

  it('delivery goes through the guarded fetch: a private target is refused at send time and fails at once', async () => {
    const receiver = await startReceiver();
    closers.push(() => receiver.close());
    const guarded = createGuardedFetch({ allowPrivate: false });
    closers.push(() => guarded.close());
    const deps: Deps = { ...ctx.deps, fetch: guarded };
    const { tenantId } = await tokenFor(deps, 'ssrf-send-lab');
    const runId = await finishedRun(deps, tenantId, receiver.url);
    const deliveryId = (await enqueueRunWebhook(deps, runId))!;
    const done = await drainWebhookJobs(deps, deliveryId, { backoffMs: () => 5 });
    expect(done).toMatchObject({ status: 'failed', attempts: 1, lastStatusCode: null });
    expect(done.lastError).toMatch(/loopback|private|refused|not allowed/i);
    expect(receiver.received).toHaveLength(0);
  });
});

describe('signature format', () => {
  it('is a detached compact JWS whose protected header names alg, kid and typ', async () => {
    const sig = await signWebhookBody(ctx.deps, '{"hello":"world"}');
    const [h, p, s] = sig.split('.');
    expect(p).toBe('');
    expect(h.length).toBeGreaterThan(10);
    expect(s.length).toBeGreaterThan(10);
    expect(decodeProtectedHeader(sig)).toEqual({ alg: 'EdDSA', kid: ACTIVE_KID, typ: 'atp-webhook+jws' });
  });
});
