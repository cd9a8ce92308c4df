import { describe, expect, it } from 'vitest';
import { BREAKER_CONSECUTIVE, BREAKER_MIN_FAILED, BREAKER_WINDOW, createCircuitBreaker } from '../../src/runner/circuit-breaker.js';
import type { CallResult } from '../../src/model/types.js';

const ok: CallResult = { ok: true, response: { content: 'x', reasoning: null, toolCalls: [], finishReason: 'stop' }, usage: { promptTokens: 1, completionTokens: 1, reasoningTokens: 0 }, model: null, attempts: 1, latencyMs: 1 };
const failed = (message: string, kind: 'transient' | 'permanent' | 'tools-unsupported' | 'cancelled' = 'transient'): CallResult => ({ ok: false, kind, status: 503, message, attempts: 6, latencyMs: 1 });

describe('circuit breaker', () => {
  it('trips on a streak of failures and names the dominant error', () => {
    const b = createCircuitBreaker();
    for (let i = 0; i < 10; i++) expect(b.record('r', 'e', ok)).toBeNull();
    for (let i = 0; i < BREAKER_CONSECUTIVE - 1; i++) expect(b.record('r', 'e', failed(`gave up after 6 attempts: HTTP 503: ${i % 3 ? 'down' : 'reset'}`))).toBeNull();
    const trip = b.record('r', 'e', failed('gave up after 6 attempts: HTTP 503: down'));
    expect(trip).toMatchObject({ failed: BREAKER_CONSECUTIVE, dominant: 'HTTP 503: down' });
    // once per run and endpoint
    expect(b.record('r', 'e', failed('HTTP 503: down'))).toBeNull();
    // other runs are independent
    expect(b.record('r2', 'e', failed('HTTP 503: down'))).toBeNull();
  });

  it(`trips when ${BREAKER_MIN_FAILED} of the last ${BREAKER_WINDOW} failed, without a streak`, () => {
    const b = createCircuitBreaker();
    let trip = null;
    for (let i = 0; i < 40 && !trip; i++) trip = b.record('r', 'e', i % 5 === 4 ? ok : failed('timeout'));
    expect(trip).toMatchObject({ failed: BREAKER_MIN_FAILED, dominant: 'timeout' });
  });

  it('does not trip on scattered failures, nor count permanent errors, refused tools or cancellations', () => {
    const b = createCircuitBreaker();
    for (let i = 0; i < 200; i++) expect(b.record('r', 'e', i % 3 === 0 ? failed('blip') : ok)).toBeNull();
    for (let i = 0; i < 50; i++) {
      expect(b.record('r', 'e', failed('no', 'permanent'))).toBeNull();
      expect(b.record('r', 'e', failed('no tools', 'tools-unsupported'))).toBeNull();
      expect(b.record('r', 'e', failed('cancelled', 'cancelled'))).toBeNull();
    }
    b.forget('r');
  });
});
