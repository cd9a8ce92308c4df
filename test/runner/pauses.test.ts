// The pause recorder behind the run view's pausedUntil: every Retry-After a run's calls wait out goes through it, so
// a rate limit answering many calls at once must cost one write, not one per call.
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/logger.js';
import { createPauseRecorder, MIN_NOTED_PAUSE_MS, PAUSE_MARGIN_MS } from '../../src/runner/pauses.js';

function recorder(opts: { failWrites?: number } = {}) {
  let now = Date.parse('2026-01-01T00:00:00Z');
  let failures = opts.failWrites ?? 0;
  const writes: Array<{ runId: string; until: string }> = [];
  const logs: string[] = [];
  const deps = { db: undefined as never, clock: { now: () => new Date(now) }, logger: createLogger({ level: 'debug', write: (l) => logs.push(l) }) };
  const pauses = createPauseRecorder(deps, async (runId, until) => {
    if (failures-- > 0) throw new Error('database unavailable');
    writes.push({ runId, until: until.toISOString() });
  });
  return { pauses, writes, logs, advance: (ms: number) => (now += ms) };
}

describe('pause recorder', () => {
  it('writes once for many calls asked for the same pause at once, again when a pause ends noticeably later', async () => {
    const { pauses, writes, advance } = recorder();
    await Promise.all(Array.from({ length: 50 }, () => pauses.record('run_a', 2_000)));
    expect(writes).toEqual([{ runId: 'run_a', until: '2026-01-01T00:00:02.000Z' }]);
    advance(PAUSE_MARGIN_MS / 2);
    await pauses.record('run_a', 2_000);
    expect(writes).toHaveLength(1);
    advance(PAUSE_MARGIN_MS);
    await pauses.record('run_a', 2_000);
    expect(writes.at(-1)).toEqual({ runId: 'run_a', until: '2026-01-01T00:00:03.500Z' });
    // a longer pause asked for meanwhile, and another run's, are written
    await pauses.record('run_a', 20_000);
    await pauses.record('run_b', 2_000);
    expect(writes.slice(2)).toEqual([
      { runId: 'run_a', until: '2026-01-01T00:00:21.500Z' },
      { runId: 'run_b', until: '2026-01-01T00:00:03.500Z' },
    ]);
  });

  it('leaves out pauses shorter than a second', async () => {
    const { pauses, writes } = recorder();
    await pauses.record('run_a', 0);
    await pauses.record('run_a', MIN_NOTED_PAUSE_MS - 1);
    expect(writes).toEqual([]);
  });

  it('never rejects: a write that failed is logged, and the next note of the run writes again', async () => {
    const { pauses, writes, logs } = recorder({ failWrites: 1 });
    await expect(pauses.record('run_a', 5_000)).resolves.toBeUndefined();
    expect(logs.join('\n')).toMatch(/could not record an endpoint pause/);
    await pauses.record('run_a', 5_000);
    expect(writes).toEqual([{ runId: 'run_a', until: '2026-01-01T00:00:05.000Z' }]);
  });
});
