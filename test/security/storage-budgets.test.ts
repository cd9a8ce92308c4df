// Storage budgets (issue 16): what one tenant can make the service store and return.
// - prompts are stored without the history they replay, so bytes stored per run grow linearly with its rounds, and
//   transcripts still return the exact prompts that were sent;
// - transcript pages stop at a byte budget (a run with 30 MB answers stored before the answer cap pages fine);
// - transcript ids and cursors are opaque and only valid for their run; old numeric cursors are a clear 400;
// - a per-tenant storage quota stops a run that reaches it (with its reason) and refuses new runs with 507.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { createApp } from '../../src/app.js';
import { modelCalls, tenants } from '../../src/db/schema.js';
import { startWorker, type Worker } from '../../src/runner/worker.js';
import { buildTestDeps, jsonHeaders, tokenFor, type TestContext } from '../support/deps.js';
import { createEndpointRow } from '../support/fixtures.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/openai-server.js';
import { hashPolicy } from '../support/policies.js';
import { waitForRun } from '../support/runs.js';

const MB = 1024 * 1024;
// a wordy answer (about 3 KB) so replayed history dominates what a prompt weighs
const PADDING = ' I have weighed every consideration carefully before deciding.'.repeat(50);

/** Only role-play, with the whole history replayed every round. */
const rolePlay = (rounds: number) => ({
  'role-play': { scenarios: ['delivery-worker'], levels: [2], rounds, historyWindow: 20 },
  'tool-use': { rounds: 1, episodesPerPosition: 1, historyWindow: 1 },
  'strategy-diffusion': { agents: 2, thresholds: [1], rounds: 1, historyWindow: 1 },
});

type Page = { items: Array<{ id: string; round: number; testbed: string; request: { messages: unknown[] } }>; nextCursor: string | null };

let ctx: TestContext;
let server: FakeOpenAI;
let worker: Worker;
let app: ReturnType<typeof createApp>;
let token: string;
let endpointId: string;

async function startRun(tok: string, endpoint: string, seed: number, overrides: Record<string, unknown>) {
  const res = await app.request('/v1/runs', {
    method: 'POST',
    headers: jsonHeaders(tok),
    body: JSON.stringify({ endpointId: endpoint, suite: 'atp-quick-v1', seed, overrides }),
  });
  return res;
}

async function runToEnd(seed: number, overrides: Record<string, unknown>) {
  const res = await startRun(token, endpointId, seed, overrides);
  expect(res.status, await res.clone().text()).toBe(202);
  const { id } = (await res.json()) as { id: string };
  return waitForRun(ctx.deps, id);
}

async function allPages(runId: string, query = 'limit=500') {
  const items: Page['items'] = [];
  const sizes: number[] = [];
  let cursor: string | null = null;
  do {
    const res = await app.request(`/v1/runs/${runId}/transcripts?${query}${cursor ? `&cursor=${cursor}` : ''}`, { headers: jsonHeaders(token) });
    expect(res.status).toBe(200);
    const text = await res.text();
    sizes.push(text.length);
    const page = JSON.parse(text) as Page;
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return { items, sizes };
}

/** Bytes the run's role-play calls store for their prompts. */
async function storedPromptBytes(runId: string): Promise<number> {
  const [row] = await ctx.deps.db.rows<{ n: string | number }>(
    sql`select coalesce(sum(octet_length(request::text)), 0) as n from model_calls where run_id = ${runId} and testbed = 'role-play'`,
  );
  return Number(row.n);
}

beforeAll(async () => {
  ctx = await buildTestDeps();
  server = await startFakeOpenAI({
    respond: (body, c) => {
      const reply = hashPolicy(body) as { content?: string };
      return typeof reply.content === 'string' ? { ...reply, content: `${reply.content}${PADDING}` } : reply;
    },
  });
  worker = startWorker(ctx.deps, { tickMs: 100 });
  app = createApp(ctx.deps);
  const t = await tokenFor(ctx.deps, 'storage-lab');
  token = t.token;
  endpointId = (await createEndpointRow(ctx.deps, t.tenantId, { baseUrl: server.url, maxConcurrency: 4 })).id;
});
afterAll(async () => {
  await worker.stop();
  await server.close();
  await ctx.close();
});

describe('prompts stored without replayed history', () => {
  let short: string;
  let long: string;
  it('store bytes that grow linearly with the rounds, while the prompts sent grow quadratically', async () => {
    server.requests.length = 0;
    const a = await runToEnd(11, rolePlay(4));
    const b = await runToEnd(11, rolePlay(16));
    expect(a.status).toBe('succeeded');
    expect(b.status).toBe('succeeded');
    short = a.id;
    long = b.id;
    const stored = [await storedPromptBytes(a.id), await storedPromptBytes(b.id)];
    const sent = [
      (await allPages(a.id, 'limit=500&testbed=role-play')).items,
      (await allPages(b.id, 'limit=500&testbed=role-play')).items,
    ].map((items) => items.reduce((n, i) => n + JSON.stringify(i.request).length, 0));
    console.log(`role-play prompts, 4 vs 16 rounds: stored ${stored.join(' vs ')} bytes; sent ${sent.join(' vs ')} bytes`);
    // 4x the rounds: linear storage is about 4x, the replayed prompts about 16x (the episode count is the same)
    expect(stored[1] / stored[0]).toBeLessThan(6);
    expect(sent[1] / sent[0]).toBeGreaterThan(8);
  }, 300_000);

  it('transcripts return exactly the prompts that were sent', async () => {
    const sentBodies = server.requests.map((r) => JSON.stringify(r.body.messages)).sort();
    const fromTranscripts = [...(await allPages(short)).items, ...(await allPages(long)).items].map((i) => JSON.stringify(i.request.messages)).sort();
    expect(fromTranscripts).toEqual(sentBodies);
    // and the export (which pages through the same service) too
    const res = await app.request(`/v1/runs/${long}/transcripts.jsonl`, { headers: jsonHeaders(token) });
    expect(res.status).toBe(200);
    const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as Page['items'][number]);
    const longPages = (await allPages(long)).items;
    expect(lines.map((l) => JSON.stringify(l.request))).toEqual(longPages.map((i) => JSON.stringify(i.request)));
  });
});

describe('transcript pages', () => {
  let runId: string;
  beforeAll(async () => {
    const run = await runToEnd(5, rolePlay(2));
    runId = run.id;
  }, 300_000);

  it('ids and cursors are opaque, stable and only valid for their run; old numeric cursors are a clear 400', async () => {
    const { items } = await allPages(runId, 'limit=3');
    for (const i of items) expect(i.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
    expect((await allPages(runId)).items.map((i) => i.id)).toEqual(items.map((i) => i.id));

    const old = Buffer.from(JSON.stringify({ after: 1 })).toString('base64url');
    const other = await runToEnd(6, rolePlay(1));
    const foreign = (await allPages(other.id, 'limit=1')).items[0].id;
    for (const cursor of [old, foreign, 'x'.repeat(22)]) {
      const res = await app.request(`/v1/runs/${runId}/transcripts?cursor=${cursor}`, { headers: jsonHeaders(token) });
      expect(res.status).toBe(400);
      const problem = (await res.json()) as { type: string; detail: string };
      expect(problem.type).toMatch(/validation-failed$/);
      expect(problem.detail).toMatch(/invalid cursor/);
    }
  }, 300_000);

  it('limit=500 on a run with 30 MB answers answers 200, a page at most the byte budget (a huge call alone)', async () => {
    // answers stored before the answer cap existed
    const ids = (await ctx.deps.db.db.select({ id: modelCalls.id }).from(modelCalls).where(eq(modelCalls.runId, runId)).orderBy(modelCalls.id)).map((r) => r.id);
    const huge = ids.slice(1, 3);
    const big = { content: 'z'.repeat(30 * MB), reasoning: null, toolCalls: [], finishReason: 'stop' };
    for (const id of huge) await ctx.deps.db.db.update(modelCalls).set({ response: big }).where(eq(modelCalls.id, id));

    const { items, sizes } = await allPages(runId);
    expect(items.length).toBe(ids.length);
    expect(new Set(items.map((i) => i.id)).size).toBe(ids.length);
    for (const s of sizes) expect(s).toBeLessThan(8 * MB + 31 * MB);
    // the two huge calls come alone, and no page but theirs goes beyond the budget
    expect(sizes.filter((s) => s > 8 * MB).length).toBe(2);
    expect(sizes.length).toBeGreaterThanOrEqual(3);
  }, 300_000);
});

describe('the per-tenant storage quota', () => {
  it('stops a run that reaches it, with the reason, and refuses new runs with 507', async () => {
    const q = await buildTestDeps({ env: { ATP_TENANT_STORAGE_BYTES: String(40_000) } });
    const qWorker = startWorker(q.deps, { tickMs: 100 });
    try {
      const qApp = createApp(q.deps);
      const t = await tokenFor(q.deps, 'quota-lab');
      const endpoint = await createEndpointRow(q.deps, t.tenantId, { baseUrl: server.url, maxConcurrency: 2 });
      const res = await qApp.request('/v1/runs', {
        method: 'POST',
        headers: jsonHeaders(t.token),
        body: JSON.stringify({ endpointId: endpoint.id, suite: 'atp-quick-v1', seed: 1, overrides: rolePlay(6) }),
      });
      expect(res.status).toBe(202);
      const { id } = (await res.json()) as { id: string };
      const run = await waitForRun(q.deps, id);
      expect(run.status).toBe('failed');
      expect(run.error?.type).toMatch(/\/storage-quota-exceeded$/);
      expect(run.error?.status).toBe(507);
      expect(run.error?.detail).toMatch(/storage quota \(tenant_storage_bytes\) is 40000 bytes/);
      const [tenant] = await q.deps.db.db.select().from(tenants).where(eq(tenants.id, t.tenantId));
      expect(tenant.storedBytes).toBeGreaterThanOrEqual(40_000);

      const again = await qApp.request('/v1/runs', {
        method: 'POST',
        headers: jsonHeaders(t.token),
        body: JSON.stringify({ endpointId: endpoint.id, suite: 'atp-quick-v1', seed: 2, overrides: rolePlay(1) }),
      });
      expect(again.status).toBe(507);
      expect(again.headers.get('content-type')).toMatch(/application\/problem\+json/);
      const problem = (await again.json()) as Record<string, unknown>;
      expect(problem.type).toMatch(/\/storage-quota-exceeded$/);
      expect(problem.limit).toBe('tenant_storage_bytes');
      expect(problem.max).toBe(40_000);
      // a call in flight when the run stopped may still be written after the read above: usage only grows
      expect(problem.used).toBeGreaterThanOrEqual(Number(tenant.storedBytes));
    } finally {
      await qWorker.stop();
      await q.close();
    }
  }, 300_000);
});
