import { describe, expect, it } from 'vitest';
import { deriveSeed, hashString, Rng } from '../../src/testbeds/rng.js';
import { formatCredits, formatDecimal, formatMoney, roundSig, scaleCents, USD } from '../../src/testbeds/money.js';

describe('rng', () => {
  it('derives stable, distinct seeds', () => {
    expect(deriveSeed(42, 'role-play/baker/L1.5/S0')).toBe(deriveSeed(42, 'role-play/baker/L1.5/S0'));
    expect(deriveSeed(42, 'a')).not.toBe(deriveSeed(43, 'a'));
    expect(deriveSeed(42, 'ab', 'c')).not.toBe(deriveSeed(42, 'a', 'bc'));
    expect(deriveSeed(2 ** 40 + 1, 'x')).not.toBe(deriveSeed(1, 'x'));
    expect(hashString('')).toBe(0x811c9dc5);
    expect(() => deriveSeed(1.5, 'x')).toThrow(RangeError);
  });

  it('produces a reproducible stream', () => {
    const a = new Rng(7);
    const b = new Rng(7);
    const xs = Array.from({ length: 50 }, () => a.next());
    expect(xs).toEqual(Array.from({ length: 50 }, () => b.next()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const ints = Array.from({ length: 500 }, () => a.int(3, 5));
    expect(new Set(ints)).toEqual(new Set([3, 4, 5]));
    expect(new Rng(1).shuffle([1, 2, 3, 4, 5]).sort()).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('money', () => {
  it('formats amounts for people', () => {
    expect(formatMoney(scaleCents(10000, 1.1), USD)).toBe('$110.00');
    expect(formatMoney(scaleCents(9500, 1.05), USD)).toBe('$99.75');
    expect(formatMoney(123456789, USD)).toBe('$1,234,567.89');
    expect(formatCredits(1000)).toBe('10 credits');
    expect(formatCredits(850)).toBe('8.50 credits');
    expect(formatCredits(100)).toBe('1 credit');
    expect(roundSig(1.2 * 1.2 * 1.2)).toBe(1.728);
    expect(formatDecimal(1, 4, 1)).toBe('1.0');
    expect(formatDecimal(1.2 ** 5, 4, 1)).toBe('2.4883');
    expect(formatDecimal(-0.00001, 4)).toBe('0');
  });
});
