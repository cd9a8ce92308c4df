// Small, dependency-free statistics for the report: binomial intervals, the exact McNemar test and
// intervals for differences of proportions. Functions return unrounded numbers; the report rounds
// once, through `round4`, so that its JSON is byte-stable.

export type Interval = [number, number];

/** z for a two-sided 95% interval (qnorm(0.975)). */
export const Z95 = 1.959963984540054;

/**
 * The single rounding rule of every reported number (4 decimals). Also turns -0 into 0 so that
 * JSON.stringify never prints "-0"-dependent output differences.
 */
export function round4(x: number): number {
  const r = Math.round(x * 1e4) / 1e4;
  return r === 0 ? 0 : r;
}

/** The score's rounding (2 decimals on the 0–100 scale). */
export function round2(x: number): number {
  const r = Math.round(x * 100) / 100;
  return r === 0 ? 0 : r;
}

/** Like round4 but for an interval (or its absence). */
export function round4Interval(ci: Interval | null): Interval | null {
  return ci === null ? null : [round4(ci[0]), round4(ci[1])];
}

const clip = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

/**
 * Wilson score interval for `deviant` successes out of `n` trials; null when n = 0.
 * Chosen over Wald because rates near 0 and 1 (a fully compliant or fully tipped model) are common here.
 */
export function wilson(deviant: number, n: number, z: number = Z95): Interval | null {
  if (n <= 0) return null;
  const p = deviant / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // exact bounds at the edges (avoid 1e-17 noise that would survive rounding as e.g. 0.9999…)
  return [deviant === 0 ? 0 : clip(centre - half, 0, 1), deviant === n ? 1 : clip(centre + half, 0, 1)];
}

/**
 * Two-sided exact McNemar test: with b and c the discordant pair counts, X ~ Bin(b + c, 1/2),
 * p = min(1, 2·P(X ≤ min(b, c))); 1 when there are no discordant pairs.
 * Summed in log space so that large b + c cannot underflow 2^-n.
 */
export function mcnemarExact(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  const k = Math.min(b, c);
  const ln2n = n * Math.LN2;
  let logChoose = 0; // log C(n, 0)
  let tail = 0;
  for (let i = 0; i <= k; i++) {
    if (i > 0) logChoose += Math.log(n - i + 1) - Math.log(i);
    tail += Math.exp(logChoose - ln2n);
  }
  return Math.min(1, 2 * tail);
}

export interface DifferenceCI {
  /** p1 − p0 (for paired data: mean of x1 minus mean of x0) */
  delta: number | null;
  ci95: Interval | null;
}

/**
 * Difference of paired proportions, delta = mean(x1) − mean(x0), with Newcombe's (1998) method 10
 * "hybrid score" (square-and-add of Wilson intervals) for paired data, using Newcombe's corrected
 * correlation estimate φ (A = ad − bc; φ = (A − n/2)/√(marginals) if A > n/2, 0 if 0 ≤ A ≤ n/2,
 * A/√(marginals) if A < 0; 0 when a marginal is empty) — the same form as Fagerland, Lydersen & Laake,
 * "Statistical Analysis of Contingency Tables", ch. 8. It stays inside [-1, 1] and behaves at 0 and 1,
 * unlike Wald. Here a = both 1, b = x0 only, c = x1 only, d = both 0.
 */
export function pairedDifferenceCI(pairs: ReadonlyArray<readonly [0 | 1, 0 | 1]>, z: number = Z95): DifferenceCI {
  const n = pairs.length;
  if (n === 0) return { delta: null, ci95: null };
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  for (const [x0, x1] of pairs) {
    if (x0 === 1 && x1 === 1) a++;
    else if (x0 === 1) b++;
    else if (x1 === 1) c++;
    else d++;
  }
  return pairedDifferenceFromCounts(a, b, c, d, z);
}

/** pairedDifferenceCI from the 2×2 counts (a = both 1, b = x0 only, c = x1 only, d = both 0). */
export function pairedDifferenceFromCounts(a: number, b: number, c: number, d: number, z: number = Z95): DifferenceCI {
  const n = a + b + c + d;
  if (n === 0) return { delta: null, ci95: null };
  // Newcombe's notation: θ = p1 − p2 with p1 = x1's proportion and p2 = x0's proportion.
  const p1 = (a + c) / n;
  const p2 = (a + b) / n;
  const [l1, u1] = wilson(a + c, n, z)!;
  const [l2, u2] = wilson(a + b, n, z)!;
  const theta = p1 - p2;
  // marginals of the table with rows = x1 (1, 0) and columns = x0 (1, 0): cells (a, c; b, d)
  const r1 = a + c;
  const r0 = b + d;
  const c1 = a + b;
  const c0 = c + d;
  let phi = 0;
  if (r1 > 0 && r0 > 0 && c1 > 0 && c0 > 0) {
    const A = a * d - b * c;
    const root = Math.sqrt(r1 * r0 * c1 * c0);
    if (A > n / 2) phi = (A - n / 2) / root;
    else if (A < 0) phi = A / root;
  }
  const dl1 = p1 - l1;
  const du1 = u1 - p1;
  const dl2 = p2 - l2;
  const du2 = u2 - p2;
  const lower = theta - Math.sqrt(Math.max(0, dl1 * dl1 - 2 * phi * dl1 * du2 + du2 * du2));
  const upper = theta + Math.sqrt(Math.max(0, du1 * du1 - 2 * phi * du1 * dl2 + dl2 * dl2));
  return { delta: theta, ci95: [clip(lower, -1, 1), clip(upper, -1, 1)] };
}

/**
 * Difference of two independent proportions, delta = x1/n1 − x0/n0, with Newcombe's (1998)
 * method 10 for unpaired data (square-and-add of Wilson intervals). Used for a baseline's delta
 * when its episodes cannot be paired with the subject's. Null when either group is empty.
 */
export function diffCI(x0: number, n0: number, x1: number, n1: number, z: number = Z95): DifferenceCI {
  if (n0 <= 0 || n1 <= 0) return { delta: null, ci95: null };
  const p0 = x0 / n0;
  const p1 = x1 / n1;
  const [l0, u0] = wilson(x0, n0, z)!;
  const [l1, u1] = wilson(x1, n1, z)!;
  const theta = p1 - p0;
  const lower = theta - Math.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2);
  const upper = theta + Math.sqrt((u1 - p1) ** 2 + (p0 - l0) ** 2);
  return { delta: theta, ci95: [clip(lower, -1, 1), clip(upper, -1, 1)] };
}
