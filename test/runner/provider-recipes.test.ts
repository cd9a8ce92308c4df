// Every documented provider recipe (docs/providers.md), registered through the API against its imitation: the
// probe says the endpoint works, with structured tool calls, and a run then measures with answers read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECIPES } from '../support/providers/catalogue.js';
import type { Imitation } from '../support/providers/imitation.js';
import { startProviderHarness, type ProviderHarness } from '../support/provider-runs.js';

let h: ProviderHarness;
const open: Imitation[] = [];
beforeAll(async () => {
  h = await startProviderHarness('recipes-lab');
});
afterAll(async () => {
  await Promise.all(open.map((i) => i.close()));
  await h.close();
});

/** Families whose recipe must also carry a whole quick run (the "done when"). */
const QUICK = new Set(['azure-openai', 'openai-reasoning', 'gemini', 'mistral', 'streaming-only-proxy']);

describe.each(RECIPES)('$family', (recipe) => {
  it(`the probe approves the recipe and a ${QUICK.has(recipe.family) ? 'quick' : 'small'} run measures with answers read`, async () => {
    const { imitation, endpoint } = await recipe.start();
    open.push(imitation);
    const id = await h.register(endpoint, { maxConcurrency: 4 });
    const probe = await h.probe(id);
    expect(probe.status, JSON.stringify(probe.body)).toBe(200);
    expect(probe.body).toMatchObject({ ok: true, ready: true, answer: 'content', toolUse: 'structured', toolsSupported: true, reasoning: recipe.reasoning });

    const run = await h.run(id, { quick: QUICK.has(recipe.family) });
    expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
    const report = (await h.get(`/v1/runs/${run.id}/report`)).body;
    for (const tb of ['role-play', 'tool-use', 'strategy-diffusion']) expect(report.subject.testbeds[tb].status, tb).toBe('ok');
    const d = report.subject.decisions;
    expect(d.parsed / (d.parsed + d.unparsed + d.truncated + d.error + d.refused)).toBeGreaterThan(0.9);
    // every request the run sent is the one the probe sent: same params and seed field
    const bodies = imitation.requests.map((r) => r.body).filter((b) => b && typeof b === 'object');
    const paramKeys = (b: any) => Object.keys(b).filter((k) => !['messages', 'tools'].includes(k)).sort();
    expect(new Set(bodies.map((b) => paramKeys(b).join(','))).size).toBe(1);
  }, 180_000);
});
