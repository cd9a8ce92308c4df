// The pre-flight dry run is shared by the episodes of a run. When the episode that started it is stopped (its lease
// was lost, its run ended), the others must neither inherit that abort nor leave a rejected promise unhandled.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPreflight } from '../../src/runner/preflight.js';
import type { EndpointLimiter } from '../../src/runner/endpoint-limiter.js';
import type { EndpointTarget } from '../../src/model/types.js';
import { buildTestDeps, type TestContext } from '../support/deps.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/openai-server.js';

/** A one-slot limiter whose first grant waits until released by the test, so the first dry run can be aborted. */
function gatedSlots() {
  let calls = 0;
  const acquire: EndpointLimiter['acquire'] = (_id, _max, signal) => {
    calls++;
    if (calls > 1) return Promise.resolve(() => {});
    return new Promise((_resolve, reject) => {
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  };
  return { acquire, calls: () => calls };
}

describe('pre-flight dry run shared by the episodes of a run', () => {
  let ctx: TestContext;
  let model: FakeOpenAI;
  let target: EndpointTarget;
  const unhandled: unknown[] = [];
  const onUnhandled = (err: unknown) => unhandled.push(err);

  beforeAll(async () => {
    ctx = await buildTestDeps();
    model = await startFakeOpenAI();
    target = { id: 'ep_1', baseUrl: model.url, model: 'm', apiKey: null, headers: {}, params: {}, requestTimeoutMs: 10_000 };
    process.on('unhandledRejection', onUnhandled);
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await model.close();
    await ctx.close();
  });

  it('an episode waiting on a dry run that another episode started and then lost runs its own and gets a verdict', async () => {
    const slots = gatedSlots();
    const preflight = createPreflight(ctx.deps, slots);
    const first = new AbortController();
    const second = new AbortController();
    const a = preflight.check('run_1', target, 1, first.signal);
    const b = preflight.check('run_1', target, 1, second.signal);
    first.abort(new Error('lease lost'));
    await expect(a).rejects.toThrow('lease lost');
    await expect(b).resolves.toMatchObject({ ok: true });
    expect(slots.calls()).toBe(2);
    // give any stray rejection a chance to surface
    await new Promise((r) => setTimeout(r, 50));
    expect(unhandled).toEqual([]);
  });

  it('a cancelled dry run is not remembered: the next episode of the run dry-runs again', async () => {
    const slots = gatedSlots();
    const preflight = createPreflight(ctx.deps, slots);
    const first = new AbortController();
    const a = preflight.check('run_2', target, 1, first.signal);
    first.abort(new Error('run ended'));
    await expect(a).rejects.toThrow('run ended');
    await expect(preflight.check('run_2', target, 1, new AbortController().signal)).resolves.toMatchObject({ ok: true });
    await new Promise((r) => setTimeout(r, 50));
    expect(unhandled).toEqual([]);
  });

  it("waits as long as a run's calls do (the endpoint's requestTimeoutMs), not the API probe's shorter cap", async () => {
    const seen: number[] = [];
    const recording = { ...ctx.deps, modelClient: { ...ctx.deps.modelClient, complete: (t: EndpointTarget, r: any, o: any) => (seen.push(t.requestTimeoutMs), ctx.deps.modelClient.complete(t, r, o)) } };
    const slow = { ...target, requestTimeoutMs: 300_000 };
    await expect(createPreflight(recording).check('run_3', slow, 1, new AbortController().signal)).resolves.toMatchObject({ ok: true });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((ms) => ms === 300_000)).toBe(true);
  });
});
