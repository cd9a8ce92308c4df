// Drives the real service the way a user would against a provider imitation: register the endpoint, probe it,
// start a run, wait for its end. Shared by the provider end-to-end tests.
import { createApp } from '../../src/app.js';
import { startWorker, type Worker } from '../../src/runner/worker.js';
import { buildTestDeps, jsonHeaders, tokenFor, type TestContext } from './deps.js';
import { waitForRun } from './runs.js';
import type { EndpointFields } from './providers/catalogue.js';

/** A few rounds and episodes per testbed: enough for every kind of call, quick on two shared cores. */
export const SMALL_SUITE = {
  'role-play': { rounds: 2, scenarios: ['delivery-worker', 'baker', 'sales'] },
  'tool-use': { rounds: 2, episodesPerPosition: 1 },
  'strategy-diffusion': { agents: 3, thresholds: [2], rounds: 1, games: ['public-fund'] },
};

export interface ProviderHarness {
  ctx: TestContext;
  register(fields: EndpointFields, extra?: Record<string, unknown>): Promise<string>;
  probe(endpointId: string): Promise<{ status: number; body: any }>;
  run(endpointId: string, opts?: { quick?: boolean; webhookUrl?: string }): Promise<{ id: string; status: string; error: any; ms: number; view: any }>;
  get(path: string): Promise<{ status: number; body: any }>;
  app: ReturnType<typeof createApp>;
  token: string;
  close(): Promise<void>;
}

export async function startProviderHarness(tenant: string): Promise<ProviderHarness> {
  const ctx = await buildTestDeps();
  const worker: Worker = startWorker(ctx.deps, { tickMs: 100 });
  const app = createApp(ctx.deps);
  const { token } = await tokenFor(ctx.deps, tenant);
  const request = async (method: string, path: string, body?: unknown) => {
    const res = await app.request(path, { method, headers: jsonHeaders(token), ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  return {
    ctx,
    app,
    token,
    async register(fields, extra = {}) {
      const r = await request('POST', '/v1/endpoints', { name: 'provider', requestTimeoutMs: 10_000, ...fields, ...extra });
      if (r.status !== 201) throw new Error(`register: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.id as string;
    },
    probe: (id) => request('POST', `/v1/endpoints/${id}/probe`),
    async run(endpointId, opts = {}) {
      const started = Date.now();
      const body = {
        endpointId,
        suite: 'atp-quick-v1',
        seed: 3,
        ...(opts.quick ? {} : { overrides: SMALL_SUITE }),
        ...(opts.webhookUrl ? { webhookUrl: opts.webhookUrl } : {}),
      };
      const r = await request('POST', '/v1/runs', body);
      if (r.status !== 202) throw new Error(`run: ${r.status} ${JSON.stringify(r.body)}`);
      const row = await waitForRun(ctx.deps, r.body.id, 120_000);
      const ms = Date.now() - started;
      const view = (await request('GET', `/v1/runs/${r.body.id}`)).body;
      return { id: r.body.id, status: row.status, error: view.error ?? null, ms, view };
    },
    get: (path) => request('GET', path),
    async close() {
      await worker.stop();
      await ctx.close();
    },
  };
}
