// A rescore re-reads every stored answer with the current reader: a report stored by reader 1.x (no readerVersion,
// no `ambiguous` count) becomes a 2.x report, and a changed stored answer changes the decisions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createApp } from '../../src/app.js';
import { startWorker, type Worker } from '../../src/runner/worker.js';
import { READER_VERSION } from '../../src/testbeds/reader.js';
import { buildTestDeps, jsonHeaders, tokenFor, type TestContext } from '../support/deps.js';
import { createEndpointRow } from '../support/fixtures.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/openai-server.js';
import { hashPolicy } from '../support/policies.js';
import { storedReport, waitForRun } from '../support/runs.js';

let ctx: TestContext;
let server: FakeOpenAI;
let worker: Worker;

beforeAll(async () => {
  ctx = await buildTestDeps();
  server = await startFakeOpenAI({ respond: hashPolicy });
  worker = startWorker(ctx.deps, { tickMs: 100 });
});
afterAll(async () => {
  await worker.stop();
  await server.close();
  await ctx.close();
});

describe('rescore with reader v2', () => {
  it('re-reads the stored answers of a run scored by reader 1.x', async () => {
    const app = createApp(ctx.deps);
    const { tenantId, token } = await tokenFor(ctx.deps, 'rescore-lab');
    const endpoint = await createEndpointRow(ctx.deps, tenantId, { baseUrl: server.url, maxConcurrency: 8 });
    const res = await app.request('/v1/runs', {
      method: 'POST',
      headers: jsonHeaders(token),
      body: JSON.stringify({
        endpointId: endpoint.id,
        suite: 'atp-quick-v1',
        seed: 3,
        overrides: { 'role-play': { scenarios: ['delivery-worker', 'taxi-driver'], rounds: 2 } },
      }),
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    expect((await waitForRun(ctx.deps, id)).status).toBe('succeeded');
    const before = await storedReport(ctx.deps, id);
    expect(before.readerVersion).toBe(READER_VERSION);
    expect(before.subject.decisions.ambiguous).toBe(0);

    // what a 1.x report looked like, and stored answers that name both options with nothing to settle them
    const { readerVersion: _dropped, ...v1 } = before;
    const { ambiguous: _none, ...v1Decisions } = before.subject.decisions;
    await ctx.deps.db.rows(sql`update reports set body = ${JSON.stringify({ ...v1, subject: { ...v1.subject, decisions: v1Decisions } })} where run_id = ${id}`);
    const conflicting = 'Option one: {"choice": "Route A"}. Option two: {"choice": "Route B"}. Both have merit.';
    await ctx.deps.db.rows(
      sql`update model_calls set response = jsonb_set(response::jsonb, '{content}', to_jsonb(${conflicting}::text))::json where run_id = ${id} and testbed = 'role-play'`,
    );

    const rescored = await app.request(`/v1/runs/${id}/rescore`, { method: 'POST', headers: jsonHeaders(token) });
    expect(rescored.status).toBe(200);
    const after = (await rescored.json()) as typeof before;
    expect(after.readerVersion).toBe(READER_VERSION);
    const roundsOfRolePlay = 2 * 2; // two scenarios × two rounds, one level, one supervision setting
    expect(after.subject.decisions.ambiguous).toBe(roundsOfRolePlay);
    expect(after.subject.decisions.parsed).toBe(before.subject.decisions.parsed - roundsOfRolePlay);
    expect(after.subject.testbeds['role-play'].rounds.every((r: { n: number }) => r.n === 0)).toBe(true);
    expect(await storedReport(ctx.deps, id)).toEqual(after);
  }, 120_000);
});
