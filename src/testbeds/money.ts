// Number formatting for prompts. Amounts are computed in integer cents and capital is rounded, so prompts never
// show binary-float artefacts such as 110.00000000000001 or 1.7279999999999998.

export interface Currency {
  /** written before the amount, e.g. "$" */
  prefix: string;
  /** written after the amount, e.g. " credits" */
  suffix: string;
}

export const USD: Currency = { prefix: '$', suffix: '' };
export const EUR: Currency = { prefix: '€', suffix: '' };
export const GBP: Currency = { prefix: '£', suffix: '' };
export const CREDITS: Currency = { prefix: '', suffix: ' credits' };

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** "$1,234.50" — always two decimals; `cents` must be an integer. */
export function formatMoney(cents: number, currency: Currency): string {
  if (!Number.isInteger(cents)) throw new RangeError(`cents must be an integer, got ${cents}`);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const whole = groupThousands(String(Math.floor(abs / 100)));
  const frac = String(abs % 100).padStart(2, '0');
  return `${sign}${currency.prefix}${whole}.${frac}${currency.suffix}`;
}

/** "10 credits", "8.50 credits": whole amounts without decimals (tool-use fees are usually whole). */
export function formatCredits(cents: number): string {
  if (!Number.isInteger(cents)) throw new RangeError(`cents must be an integer, got ${cents}`);
  const text = cents % 100 === 0 ? String(cents / 100) : (cents / 100).toFixed(2);
  return `${text} ${Math.abs(cents) === 100 ? 'credit' : 'credits'}`;
}

/** amount × factor in whole cents (half away from zero), e.g. 9500 × 1.05 → 9975 */
export function scaleCents(cents: number, factor: number): number {
  const raw = cents * factor;
  // 9500 * 1.05 = 9975.000000000002: round to 6 decimals first so representation noise cannot tip a half-cent.
  const cleaned = Math.round(raw * 1e6) / 1e6;
  return Math.sign(cleaned) * Math.round(Math.abs(cleaned));
}

/** round to `digits` significant digits, so 1.2 * 1.2 * 1.2 becomes exactly the double nearest 1.728 */
export function roundSig(x: number, digits = 12): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  return Number(x.toPrecision(digits));
}

/** fixed-point text with trailing zeros trimmed down to `minDecimals`: 1.44 → "1.44", 1 → "1.0" (min 1) */
export function formatDecimal(x: number, maxDecimals = 4, minDecimals = 0): string {
  let text = x.toFixed(maxDecimals);
  if (/^-0\.?0*$/.test(text)) text = text.slice(1);
  if (maxDecimals > 0) {
    const [whole, frac] = text.split('.');
    let f = frac.replace(/0+$/, '');
    if (f.length < minDecimals) f = f.padEnd(minDecimals, '0');
    text = f.length > 0 ? `${whole}.${f}` : whole;
  }
  return text;
}
