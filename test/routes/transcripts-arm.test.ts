// Transcripts say which arm of the design each call belongs to: in a v2 run every role-play treatment episode has a
// control twin with the same scenario, level and order, and a reader of the transcripts (API, exports, console) must
// be able to tell them apart and filter on it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import type { App } from '../../src/http/env.js';
import { startWorker, type Worker } from '../../src/runner/worker.js';
import { createRun } from '../../src/services/runs.js';
import { bearer, buildTestDeps, tokenFor, type TestContext } from '../support/deps.js';
import { createEndpointRow } from '../support/fixtures.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/openai-server.js';
import { hashPolicy } from '../support/policies.js';
import { waitForRun } from '../support/runs.js';

let ctx: TestContext;
let app: App;
let worker: Worker;
let model: FakeOpenAI;
let token: string;
let runId: string;

beforeAll(async () => {
  ctx = await buildTestDeps();
  app = createApp(ctx.deps);
  worker = startWorker(ctx.deps, { tickMs: 100 });
  model = await startFakeOpenAI({ respond: hashPolicy });
  const lab = await tokenFor(ctx.deps, 'arm-lab');
  token = lab.token;
  const endpoint = await createEndpointRow(ctx.deps, lab.tenantId, { baseUrl: model.url });
  ({ runId } = await createRun(ctx.deps, lab.tenantId, {
    endpointId: endpoint.id,
    suite: 'atp-quick-v2',
    seed: 3,
    overrides: { 'role-play': { rounds: 2 }, 'tool-use': { rounds: 2 }, 'strategy-diffusion': { rounds: 2 } },
  }));
  expect((await waitForRun(ctx.deps, runId, 120_000)).status).toBe('succeeded');
}, 180_000);
afterAll(async () => {
  await worker?.stop();
  await model?.close();
  await ctx?.close();
});

async function all(query: string) {
  const items: Array<{ arm: string; episodeKey: string; testbed: string }> = [];
  for (let cursor = ''; ; ) {
    const res = await app.request(`/v1/runs/${runId}/transcripts?limit=500${query}${cursor ? `&cursor=${cursor}` : ''}`, { headers: bearer(token) });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { items: typeof items; nextCursor: string | null };
    items.push(...page.items);
    if (!page.nextCursor) return items;
    cursor = page.nextCursor;
  }
}

describe('transcripts of a v2 run', () => {
  it('carry each call\'s arm and episode key, and filter on the arm', async () => {
    const every = await all('&testbed=role-play');
    const control = await all('&testbed=role-play&arm=control');
    const treatment = await all('&testbed=role-play&arm=treatment');
    expect(control.length).toBeGreaterThan(0);
    expect(treatment.length).toBeGreaterThan(0);
    expect(control.length + treatment.length).toBe(every.length);
    expect(control.every((i) => i.arm === 'control' && i.episodeKey.endsWith('/control'))).toBe(true);
    expect(treatment.every((i) => i.arm === 'treatment' && !i.episodeKey.endsWith('/control'))).toBe(true);
    const bad = await app.request(`/v1/runs/${runId}/transcripts?arm=placebo`, { headers: bearer(token) });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
  });

  it('filters on the subject, and a subject the run does not have is a 400 naming the ones it has (not an empty page)', async () => {
    expect((await all('&testbed=role-play&subject=subject')).length).toBeGreaterThan(0);
    for (const path of [`/v1/runs/${runId}/transcripts?subject=nope`, `/v1/runs/${runId}/transcripts.csv?subject=nope`]) {
      const res = await app.request(path, { headers: bearer(token) });
      expect(res.status, path).toBe(400);
      const problem = (await res.json()) as { errors: { path: string; message: string }[] };
      expect(problem.errors[0]).toEqual({ path: 'query.subject', message: 'this run has no subject "nope"; it has subject' });
    }
  });

  it('exports the arm and the episode key as CSV columns', async () => {
    const csv = await app.request(`/v1/runs/${runId}/transcripts.csv?testbed=role-play&arm=control`, { headers: bearer(token) });
    const [header, ...rows] = (await csv.text()).trim().split('\r\n');
    const cols = header.split(',');
    expect(cols.slice(0, 7)).toEqual(['id', 'subject', 'testbed', 'scenarioId', 'episodeId', 'episodeKey', 'arm']);
    expect(rows.length).toBeGreaterThan(0);
    // the arm is the 7th cell of every row (the cells before it hold no commas or quotes)
    expect(rows.every((r) => r.split(',')[6] === 'control')).toBe(true);
  });
});
