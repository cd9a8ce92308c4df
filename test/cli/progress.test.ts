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
    const p = createProgressReporter({ write: (t: string) => (out += t) }, { label: 'atp', tty: false, now: () => Date.parse('2026-12-03T07:00:00Z') });
    p.update(run(0, { status: 'queued' }));
    p.update(run(3));
    p.update(run(4));
    p.update(run(12, { pausedUntil: '2026-12-03T07:30:00.000Z' }));
    p.update(run(12, { pausedUntil: '2026-12-03T07:30:00.000Z' }));
    // several calls paused at once move the time by milliseconds: the same second is not a new pause
    p.update(run(13, { pausedUntil: '2026-12-03T07:30:00.250Z' }));
    p.update(run(13, { pausedUntil: '2026-12-03T07:31:00.000Z' }));
    // a pause already over is not printed
    p.update(run(14, { pausedUntil: '2026-12-03T06:59:00.000Z' }));
    p.finish();
    const lines = out.trim().split('\n');
    expect(lines.filter((l) => /paused: the endpoint asked to wait \(Retry-After\) until 2026-12-03 07:3[01]:00 UTC/.test(l))).toHaveLength(2);
    expect(lines.filter((l) => /calls {2}(queued|running)$/.test(l))).toHaveLength(3);
  });

  it('keeps a terminal line to one row, pause note included', () => {
    let out = '';
    const p = createProgressReporter({ write: (t: string) => (out += t), columns: 80 }, { tty: true, now: () => Date.parse('2026-12-03T07:00:00Z') });
    p.update(run(40, { pausedUntil: '2026-12-03T07:30:00.000Z' }));
    const line = out.split('\r\x1b[2K').at(-1)!;
    expect([...line].length).toBeLessThanOrEqual(79);
    expect(line).toContain('paused until 07:30:00 UTC');
  });
});
