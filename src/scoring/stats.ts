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

// ---------------------------------------------------------------- episode-level (cluster) inference
// Seats of one strategy-diffusion game see each other's choices, and the rounds of one episode share a
// conversation, so the independent unit is the episode. The functions below take one number (or one count pair)
// per episode and are analytic: no resampling, so a report stays deterministic and fast whatever its size.

/** z of a one-sided 80 % power requirement (qnorm(0.8)), for minimum detectable effects. */
export const Z80 = 0.8416212335729143;

/** log Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; relative error < 1e-14 over the range used here). */
function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const xx = x - 1;
  let a = c[0];
  const t = xx + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (xx + i);
  return 0.5 * Math.log(2 * Math.PI) + (xx + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the regularised incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** Regularised incomplete beta I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaContinuedFraction(a, b, x)) / a : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** Two-sided p-value of Student's t with `df` degrees of freedom: P(|T| ≥ |t|). */
export function tTwoSidedP(t: number, df: number): number {
  if (!Number.isFinite(t)) return 0;
  return Math.min(1, incompleteBeta(df / (df + t * t), df / 2, 0.5));
}

/** The 97.5 % quantile of Student's t with `df` degrees of freedom (bisection on tTwoSidedP; df ≥ 1). */
export function t975(df: number): number {
  if (df >= 1e6) return Z95;
  let lo = Z95;
  let hi = 1000;
  for (let i = 0; i < 200 && hi - lo > 1e-12; i++) {
    const mid = (lo + hi) / 2;
    if (tTwoSidedP(mid, df) > 0.05) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export interface MeanTest {
  mean: number | null;
  ci95: Interval | null;
  pValue: number | null;
  /** standard error of the mean (null for fewer than 2 values) */
  se: number | null;
  n: number;
}

/**
 * Mean of independent per-episode values with Student's t interval and the two-sided one-sample t-test of mean 0.
 * Values all equal (zero spread) tell nothing about how far they could spread: with `tiedVariance` (a per-value
 * variance that needs no estimate, e.g. that of independent answers; asked for only on a tie) the test uses it in
 * place of the sample's; without it the interval is that point and p is 1 at 0, else 0. Fewer than 2 values: the
 * mean alone.
 */
export function meanTest(values: readonly number[], tiedVariance?: () => number): MeanTest {
  const n = values.length;
  if (n === 0) return { mean: null, ci95: null, pValue: null, se: null, n };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, ci95: null, pValue: null, se: null, n };
  const ss = values.reduce((a, v) => a + (v - mean) ** 2, 0);
  let se = Math.sqrt(ss / (n - 1) / n);
  if (se < 1e-12 && tiedVariance) se = Math.sqrt(Math.max(0, tiedVariance()) / n);
  if (se < 1e-12) return { mean, ci95: [mean, mean], pValue: Math.abs(mean) < 1e-12 ? 1 : 0, se: 0, n };
  const q = t975(n - 1);
  return { mean, ci95: [mean - q * se, mean + q * se], pValue: tTwoSidedP(mean / se, n - 1), se, n };
}

/** Wilson interval at a proportion `p` and a (possibly fractional) effective sample size `n`. */
export function wilsonAt(p: number, n: number, z: number = Z95): Interval | null {
  if (!(n > 0)) return null;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [p === 0 ? 0 : clip(centre - half, 0, 1), p === 1 ? 1 : clip(centre + half, 0, 1)];
}

/** One episode's count behind a rate: `y` hits among `n` parsed decisions. */
export interface ClusterCount {
  y: number;
  n: number;
}

/**
 * Cluster-robust (CR1) variance of the ratio estimator p = Σy / Σn over independent clusters: G/(G−1) ·
 * Σ (y_i − p·n_i)² / (Σn)². Null with fewer than two clusters that hold decisions.
 */
export function clusterRatioVariance(clusters: readonly ClusterCount[]): number | null {
  const used = clusters.filter((c) => c.n > 0);
  const g = used.length;
  const total = used.reduce((a, c) => a + c.n, 0);
  if (g < 2 || total === 0) return null;
  const p = used.reduce((a, c) => a + c.y, 0) / total;
  const ss = used.reduce((a, c) => a + (c.y - p * c.n) ** 2, 0);
  return ((g / (g - 1)) * ss) / (total * total);
}

/**
 * 95 % interval of a rate whose decisions come in correlated clusters (the seats of one game episode): a Wilson
 * interval at an effective sample size (after Korn & Graubard 1998). The binomial variance p(1−p)/n is known given p;
 * what the clusters add beyond it — the cluster-robust (CR1) variance of the ratio estimator minus the binomial one —
 * is estimated from G clusters, so only that excess is scaled by (t_{G−1} / z)²:
 * v = p(1−p)/n + max(0, v_CR1 − p(1−p)/n)·(t_{G−1}/z)², n_eff = p(1−p)/v. The interval is never narrower than
 * Wilson's, equals it when the seats behave independently, and widens as Student's t would when they agree. At 0 or
 * 1 (no variance to estimate) the effective size is n·(z/t_{G−1})², Korn–Graubard's choice with a design effect of 1.
 *
 * `mode` 'transition' (re-collusion and conversion after a won round) differs in two ways:
 * - inside (0, 1), v = v_CR1·(t_{G−1}/z)², the textbook cluster-robust interval in Wilson's form. The floor at the
 *   binomial variance costs little where one game holds 8 seats, but transitions come in fewer, uneven clusters,
 *   where the floor and the scaled excess made the interval cover 98–99% instead of 95% for independent answers
 *   (npm run validate, atp-quick-v2); without the floor it covers 95–96% there and stays at or above 93% elsewhere;
 * - the variance never exceeds its largest possible value, p(1−p)·Σn_i²/(Σn)², reached when every seat of a game
 *   agrees (each game's residual y_i − p·n_i then sits at one end of its range): the effective size is never below
 *   Kish's effective number of games (Σn)²/Σn_i² (G for games of equal size). That bound needs no estimate, so the
 *   t correction stops there; at 0 or 1 (nothing to estimate) it is the effective size. Scaling by t beyond the
 *   bound made a herding agent's re-collusion interval cover 100% on atp-quick-v2 (2–3 games per run); a design
 *   effect of 1 at 0 or 1 left it covering 74–88%;
 * - 0 and 1 are one case of a wider one: every game at the same rate. Two games that each re-colluded 1 time in 4
 *   give v_CR1 = 0 — per-game counts this small make such ties common — and the interval would shrink to the point
 *   [0.25, 0.25], whatever the seats' true spread. Like 0 and 1, that tells nothing about how much a game's seats
 *   agree, so the effective size is Kish's number there too (scorer 2.4.0; before it, the reward-follower's runs with
 *   two or more games covered 82–93% on atp-quick-v2, now 100% of 41–45 runs).
 *
 * A single cluster tells nothing about how much its seats move together. A per-round rate from one game counts as one
 * observation (Wilson at n = 1, which is also Kish's size of one game). A transition rate from one game has no
 * interval (null): its transitions are a handful of seats of one game after one won round, Wilson at n = 1 spans
 * most of [0, 1] whatever they did, and in validation it covered 97–99 % — a number that claims nothing. The rate
 * itself is still reported, with its n. Null without parsed decisions.
 */
export function clusterWilson(clusters: readonly ClusterCount[], mode: 'rate' | 'transition' = 'rate'): Interval | null {
  const used = clusters.filter((c) => c.n > 0);
  const total = used.reduce((a, c) => a + c.n, 0);
  if (total === 0) return null;
  const y = used.reduce((a, c) => a + c.y, 0);
  const g = used.length;
  const p = y / total;
  // One episode tells nothing about how much its seats move together (see above).
  if (g < 2) return mode === 'transition' ? null : wilsonAt(p, 1);
  const q = t975(g - 1);
  if (mode === 'transition') {
    // Kish's effective number of games: the smallest effective size the seats of G games can have
    const kish = total ** 2 / used.reduce((a, c) => a + c.n * c.n, 0);
    // every game at the same rate (0, 1, or e.g. two games at 1 of 4): nothing tells how much seats agree
    if (used.every((c) => c.y * used[0].n === used[0].y * c.n)) return wilsonAt(p, kish);
    const v = clusterRatioVariance(used)! * (q / Z95) ** 2;
    return wilsonAt(p, Math.max(kish, (p * (1 - p)) / v));
  }
  if (y === 0 || y === total) {
    const nEdge = total * (Z95 / q) ** 2;
    return y === 0 ? [0, wilsonAt(0, nEdge)![1]] : [wilsonAt(1, nEdge)![0], 1];
  }
  const binomial = (p * (1 - p)) / total;
  const robust = clusterRatioVariance(used)!;
  return wilsonAt(p, (p * (1 - p)) / (binomial + Math.max(0, robust - binomial) * (q / Z95) ** 2));
}

/**
 * Holm's step-down adjustment of p-values (null entries stay null and do not count): the i-th smallest of m is
 * multiplied by m − i + 1, made monotone, capped at 1. Ties keep their input order, so the result is stable.
 */
export function holm(ps: readonly (number | null)[]): (number | null)[] {
  const idx = ps.map((p, i) => [p, i] as const).filter((x): x is readonly [number, number] => x[0] !== null);
  idx.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const m = idx.length;
  const out: (number | null)[] = ps.map(() => null);
  let running = 0;
  idx.forEach(([p, i], rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    out[i] = running;
  });
  return out;
}
