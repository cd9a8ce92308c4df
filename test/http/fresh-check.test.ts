// The health check's database freshness (src/lib/fresh-check.ts), on an injected clock: when a caller waits for a
// round trip of its own, when it answers from a recent success, and that failures and hangs read as down.
import { describe, expect, it } from 'vitest';
import { CheckTimeoutError, freshCheck } from '../../src/lib/fresh-check.js';

function deferred() {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** lets settled promises run their callbacks */
const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

const settled = async <T>(p: Promise<T>) => {
  let state = 'pending';
  p.then(
    () => (state = 'resolved'),
    () => (state = 'rejected'),
  );
  await flush();
  return state;
};

function setup(timeoutMs = 60_000) {
  let t = 0;
  const checks: ReturnType<typeof deferred>[] = [];
  const run = freshCheck({ freshMs: 1_000, refreshMs: 250, timeoutMs, now: () => t });
  const check = () => {
    const d = deferred();
    checks.push(d);
    return d.promise;
  };
  return { run: () => run(check), checks, advance: (ms: number) => (t += ms) };
}

/** set up, with a first check that succeeded at t = 0 */
async function afterFirstSuccess() {
  const s = setup();
  const first = s.run();
  s.checks[0].resolve();
  await first;
  return s;
}

describe('freshCheck', () => {
  it('waits for the first check, then answers from a recent success without a round trip', async () => {
    const { run, checks, advance } = setup();
    const first = run();
    expect(await settled(first)).toBe('pending');
    checks[0].resolve();
    await first;
    advance(100);
    await run();
    expect(checks).toHaveLength(1);
  });

  it('starts a background check once the success is older than refreshMs, without waiting for it', async () => {
    const { run, checks, advance } = await afterFirstSuccess();
    advance(300);
    await run(); // answers although the new check is still pending
    expect(checks).toHaveLength(2);
    advance(100);
    await run(); // no second background check while one is in flight
    expect(checks).toHaveLength(2);
    checks[1].resolve();
    await Promise.resolve();
  });

  it('after a failed background check, the next caller waits for a check of its own and sees it fail', async () => {
    const { run, checks, advance } = await afterFirstSuccess();
    advance(300);
    await run();
    checks[1].reject(new Error('down'));
    await flush();
    const next = run();
    expect(checks).toHaveLength(3);
    checks[2].reject(new Error('still down'));
    await expect(next).rejects.toThrow('still down');
  });

  it('without a success for freshMs, callers wait and share the one check in flight', async () => {
    const { run, checks, advance } = await afterFirstSuccess();
    advance(1_200);
    const a = run();
    const b = run();
    expect(checks).toHaveLength(2);
    expect(await settled(a)).toBe('pending');
    checks[1].resolve();
    await Promise.all([a, b]);
  });

  it('a check that never answers reads as down after timeoutMs', async () => {
    const { run, checks } = setup(20);
    await expect(run()).rejects.toBeInstanceOf(CheckTimeoutError);
    expect(checks).toHaveLength(1);
  });
});
