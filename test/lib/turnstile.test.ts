// The turnstile (src/lib/turnstile.ts): heavy pieces of work go on one per event-loop turn, with the turn's I/O in
// between; light pieces pass at once. Turns are counted with a self-rescheduling immediate (one tick per turn).
import { describe, expect, it } from 'vitest';
import { createTurnstile } from '../../src/lib/turnstile.js';

function turnCounter() {
  let turn = 0;
  let on = true;
  const tick = () => {
    turn++;
    if (on) setImmediate(tick);
  };
  setImmediate(tick);
  return { now: () => turn, stop: () => (on = false) };
}

describe('turnstile', () => {
  it('lets heavy pieces through one per turn, in the order they asked', async () => {
    const gate = createTurnstile(1_000);
    const turns = turnCounter();
    const seen: { piece: number; turn: number }[] = [];
    await Promise.all([0, 1, 2, 3].map((piece) => gate(5_000).then(() => seen.push({ piece, turn: turns.now() }))));
    turns.stop();
    expect(seen.map((s) => s.piece)).toEqual([0, 1, 2, 3]);
    const distinct = new Set(seen.map((s) => s.turn));
    expect(distinct.size).toBe(4);
  });

  it('lets light pieces through without waiting for a turn', async () => {
    const gate = createTurnstile(1_000);
    const turns = turnCounter();
    const at = turns.now();
    await Promise.all([gate(10), gate(999), gate(0)]);
    expect(turns.now()).toBe(at);
    turns.stop();
  });

  it('lets an I/O callback run between two heavy pieces', async () => {
    const gate = createTurnstile(1_000);
    const log: string[] = [];
    // start in the timers phase, so the pump (check phase) comes before the next timers phase
    await new Promise((r) => setTimeout(r, 0));
    // a timer stands for pending I/O: set in this turn, it can run in the next turn at the earliest, and it is due
    // there because the first piece spends a few milliseconds
    setTimeout(() => log.push('io-2'), 1);
    await Promise.all([
      gate(5_000).then(() => {
        const until = performance.now() + 5;
        while (performance.now() < until);
        log.push('piece-1');
      }),
      gate(5_000).then(() => log.push('piece-2')),
    ]);
    expect(log.indexOf('io-2')).toBeGreaterThan(log.indexOf('piece-1'));
    expect(log.indexOf('io-2')).toBeLessThan(log.indexOf('piece-2'));
  });
});
