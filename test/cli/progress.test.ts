import { describe, expect, it } from 'vitest';
import { createProgressReporter } from '../../src/cli/progress.js';

const run = (percent: number, extra: { status?: string; pausedUntil?: string | null } = {}) => ({
  id: 'run_a',
  status: extra.status ?? 'running',
  progress: { done: percent, total: 100, percent },
  pausedUntil: extra.pausedUntil ?? null,
});

describe('progress reporter', () => {
  it('writes a CI-log line per 10 % step or status change, and one line per endpoint pause', () => {
    let out = '';
    const p = createProgressReporter({ write: (t: string) => (out += t) }, { label: 'atp', tty: false });
    p.update(run(0, { status: 'queued' }));
    p.update(run(3));
    p.update(run(4));
    p.update(run(12, { pausedUntil: '2026-12-03T07:30:00.000Z' }));
    p.update(run(12, { pausedUntil: '2026-12-03T07:30:00.000Z' }));
    p.update(run(13, { pausedUntil: '2026-12-03T07:31:00.000Z' }));
    p.finish();
    const lines = out.trim().split('\n');
    expect(lines.filter((l) => /paused: the endpoint asked to wait \(Retry-After\) until 2026-12-03 07:3[01]:00 UTC/.test(l))).toHaveLength(2);
    expect(lines.filter((l) => /calls {2}(queued|running)$/.test(l))).toHaveLength(3);
  });
});
