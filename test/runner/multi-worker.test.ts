import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createRun } from '../../src/services/runs.js';
import { buildTestDeps, TEST_SECRET, tokenFor, type TestContext } from '../support/deps.js';
import { usingPostgres } from '../support/db.js';
import { createEndpointRow } from '../support/fixtures.js';
import { startFakeOpenAI } from '../support/openai-server.js';
import { hashPolicy } from '../support/policies.js';
import { spawnAtp, type SpawnedService } from '../support/process.js';
import { storedReport, waitForRun } from '../support/runs.js';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe.skipIf(!usingPostgres())('several worker processes on one Postgres', () => {
  it('never exceed the endpoint maxConcurrency and never ask an episode round twice', async () => {
    const ctx: TestContext = await buildTestDeps();
    cleanups.push(() => ctx.close());
    const seen = new Map<string, number>();
    const server = await startFakeOpenAI({
      latencyMs: 30,
      respond: (body) => {
        const key = createHash('sha256').update(JSON.stringify(body.messages)).digest('hex');
        seen.set(key, (seen.get(key) ?? 0) + 1);
        return hashPolicy(body);
      },
    });
    cleanups.push(() => server.close());

    const workers: SpawnedService[] = [];
    for (let i = 0; i < 2; i++) {
      const w = await spawnAtp('worker', { DATABASE_URL: ctx.testDb.url!, ATP_SECRET: TEST_SECRET, ATP_ALLOW_PRIVATE_ENDPOINTS: '1', ATP_WORKERS: '2' });
      workers.push(w);
      cleanups.push(async () => {
        w.proc.kill('SIGTERM');
        await w.exited;
      });
    }

    const { tenantId } = await tokenFor(ctx.deps, 'multi');
    const endpoint = await createEndpointRow(ctx.deps, tenantId, { baseUrl: server.url, maxConcurrency: 4 });
    const { runId } = await createRun(ctx.deps, tenantId, { endpointId: endpoint.id, suite: 'atp-quick-v1', seed: 3 });
    const run = await waitForRun(ctx.deps, runId, 120_000);
    expect(run.status).toBe('succeeded');

    expect(server.stats.peakInFlight).toBeLessThanOrEqual(4);
    expect(server.stats.peakInFlight).toBeGreaterThan(1);
    const asked = [...seen.values()];
    // distinct conversations can coincide (e.g. identical first rounds of two samples); none here was asked twice
    expect(asked.filter((n) => n > 1)).toEqual([]);
    const report = await storedReport(ctx.deps, runId);
    expect(report.subject.calls.total).toBe(server.stats.total);
  }, 180_000);
});
