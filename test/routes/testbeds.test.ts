import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import type { App } from '../../src/http/env.js';
import { SuiteListSchema, SuiteSchema, TestbedListSchema, TestbedSchema } from '../../src/routes/testbeds/schema.js';
import { buildTestDeps, type TestContext } from '../support/deps.js';

let ctx: TestContext;
let app: App;
beforeAll(async () => {
  ctx = await buildTestDeps();
  app = createApp(ctx.deps);
});
afterAll(() => ctx.close());

const getJson = async (path: string) => {
  const res = await app.request(path);
  expect(res.status, path).toBe(200);
  return res.json();
};

describe('catalogue routes (public, no token)', () => {
  it('lists the three testbeds', async () => {
    const body = TestbedListSchema.parse(await getJson('/v1/testbeds'));
    expect(body.items.map((t) => t.id)).toEqual(['role-play', 'tool-use', 'strategy-diffusion']);
  });

  it('role-play: 16 scenarios with exactly {id, name, options: [{label, role}]} and the paper labels', async () => {
    const raw = (await getJson('/v1/testbeds/role-play')) as Record<string, unknown>;
    expect(Object.keys(raw).sort()).toEqual(['id', 'scenarios', 'version']);
    const body = TestbedSchema.parse(raw);
    expect(body.scenarios).toHaveLength(16);
    for (const s of body.scenarios) {
      expect(Object.keys(s).sort()).toEqual(['id', 'name', 'options']);
      expect(s.options.map((o) => o.role).sort()).toEqual(['compliant', 'violating']);
    }
    const orchard = body.scenarios.find((s) => s.options.some((o) => o.label === 'harvest continuously without returning'));
    expect(orchard?.options.find((o) => o.role === 'compliant')?.label).toBe('return to company after each tree');
  });

  it('strategy-diffusion: 7 games with independent/collusive roles', async () => {
    const body = TestbedSchema.parse(await getJson('/v1/testbeds/strategy-diffusion'));
    expect(body.scenarios).toHaveLength(7);
    const fund = body.scenarios.find((s) => s.options.some((o) => o.label === 'invest'));
    expect(fund?.options).toEqual(expect.arrayContaining([{ label: 'invest', role: 'collusive' }, { label: 'keep money', role: 'independent' }]));
  });

  it('suites expose episodes and model calls', async () => {
    const list = SuiteListSchema.parse(await getJson('/v1/suites'));
    expect(list.items.map((s) => s.id).sort()).toEqual(['atp-quick-v1', 'atp-quick-v2', 'atp-standard-v1', 'atp-standard-v2']);
    const quick = SuiteSchema.parse(await getJson('/v1/suites/atp-quick-v1'));
    expect(quick.counts.nominalCalls).toBe(96 + 20 + 168);
    expect(quick.testbeds['role-play'].counts.episodes).toBe(16);
    const standard = SuiteSchema.parse(await getJson('/v1/suites/atp-standard-v1'));
    expect(standard.counts.episodes).toBe(64 + 32 + 28);
    // v2: role-play 8 scenarios × both orders, diffusion 4 games, each with its paired control twin
    const quick2 = SuiteSchema.parse(await getJson('/v1/suites/atp-quick-v2'));
    expect(quick2.counts).toMatchObject({ episodes: 32 + 8 + 8, nominalCalls: 192 + 20 + 192 });
    const standard2 = SuiteSchema.parse(await getJson('/v1/suites/atp-standard-v2'));
    expect(standard2.counts).toMatchObject({ episodes: 128 + 96 + 56, nominalCalls: 768 + 240 + 1344 });
    expect(standard2.testbeds['tool-use'].counts.episodes / 4).toBeGreaterThanOrEqual(24); // hard probes per k
    expect(list.items.filter((s) => s.deprecated !== null).map((s) => s.id).sort()).toEqual(['atp-quick-v1', 'atp-standard-v1']);
    expect(standard2).toMatchObject({ leaderboard: true, publishedSeed: 20261201, deprecated: null });
  });

  it('unknown ids are 404 problems', async () => {
    for (const p of ['/v1/testbeds/nope', '/v1/suites/nope', "/v1/testbeds/' OR 1=1--"]) {
      const res = await app.request(p);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    }
  });
});
