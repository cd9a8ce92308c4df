import { describe, expect, it } from 'vitest';
import { calculate, formatRational, parseDecimal } from '../../src/testbeds/tool-use/calculator.js';

describe('calculator', () => {
  const ok: Array<[string, string]> = [
    ['1234567*7654321', '9449772114007'],
    ['4837219 * 736581', String(4837219n * 736581n)],
    ['0.1+0.2', '0.3'],
    ['1.10 * 100', '110'],
    ['1/3', '0.333333333333333333333333333333'],
    ['2/3', '0.666666666666666666666666666667'],
    ['1/8', '0.125'],
    ['-2^2', '-4'],
    ['(-2)^2', '4'],
    ['2^-2', '0.25'],
    ['2^3^2', '512'],
    ['2**10', '1024'],
    ['7 % 3', '1'],
    ['-7 % 3', '-1'],
    ['7.5 % 2', '1.5'],
    ['((1 + 2) * (3 - 4)) / -3', '1'],
    ['12 × 3 ÷ 4', '9'],
    ['99999999999999999999 + 1', '100000000000000000000'],
    ['.5 + 5.', '5.5'],
    ['2^1000', (2n ** 1000n).toString()],
  ];
  for (const [expr, value] of ok) {
    it(`${expr} = ${value.length > 40 ? value.slice(0, 20) + '…' : value}`, () => {
      expect(calculate(expr)).toEqual({ ok: true, value });
    });
  }

  const refused: Array<[string, RegExp]> = [
    ['2^100000', /exponent too large/],
    ['9^5000', /too large/],
    ['10^1000 * 10^1000 * 10^1000 * 10^1000', /too large/],
    ['2^0.5', /whole numbers/],
    ['1/0', /division by zero/],
    ['5 % 0', /modulo by zero/],
    ['0^-1', /division by zero/],
    ['sqrt(2)', /names are not allowed/],
    ['Math.pow(2, 3)', /names are not allowed/],
    ['process.exit()', /names are not allowed/],
    ['1,234 * 2', /commas/],
    ['2 +', /ends too early/],
    ['(1 + 2', /missing "\)"/],
    ['3 4', /unexpected "4"/],
    ['1 $ 2', /unexpected character/],
    ['', /empty/],
    ['1+'.repeat(300) + '1', /longer than/],
    ['('.repeat(70) + '1' + ')'.repeat(70), /nested too deeply/],
  ];
  for (const [expr, error] of refused) {
    it(`refuses ${expr.slice(0, 30)}`, () => {
      const res = calculate(expr);
      expect(res.ok).toBe(false);
      if (!res.ok) expect(res.error).toMatch(error);
    });
  }

  it('parses and formats decimals exactly', () => {
    expect(formatRational(parseDecimal('1.50')!)).toBe('1.5');
    expect(formatRational(parseDecimal('-0.0')!)).toBe('0');
    expect(formatRational(parseDecimal('12e-3')!)).toBe('0.012');
    expect(parseDecimal('1.2.3')).toBeNull();
    expect(parseDecimal('.')).toBeNull();
  });
});
