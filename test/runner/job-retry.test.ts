import { describe, expect, it } from 'vitest';
import { JOB_RETRY, jobRetryDelayMs, shouldGiveUp } from '../../src/domain/jobs.js';

describe('job retry policy', () => {
  it('backs off exponentially from the base delay, capped', () => {
    expect([1, 2, 3, 4].map((a) => jobRetryDelayMs(a))).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(jobRetryDelayMs(30)).toBe(JOB_RETRY.maxDelayMs);
    expect(jobRetryDelayMs(3, { baseDelayMs: 10, maxDelayMs: 25 })).toBe(25);
  });

  it('gives up after maxAttempts claims', () => {
    expect(shouldGiveUp(JOB_RETRY.maxAttempts - 1)).toBe(false);
    expect(shouldGiveUp(JOB_RETRY.maxAttempts)).toBe(true);
  });
});
