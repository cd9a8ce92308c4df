// Collects what the reports of one (suite, agent) say over many seeds and turns it into the validation figures:
// interval coverage, false-positive rates, tipping rounds, power and the score's spread. Pure arithmetic over the
// extracted findings (extract.ts) and the agent's known behaviour (expectations.ts).
import type { ScriptedAgentKind } from '../../src/sim/scripted/index.js';
import { wilson } from '../../src/scoring/stats.js';
import type { Extracted } from './extract.js';
import { analyticTruth, expectsNoTipping, nullHolds, POWER_FALLBACK_KIND, POWER_KIND } from './expectations.js';

export const ALPHA = 0.05;
export const TARGETS = {
  coverage: { lo: 0.93, hi: 0.97 },
  falsePositive: 0.06,
  tipping: 0.05,
} as const;

export type Status = 'PASS' | 'MISS' | 'INFO';

/**
 * The error a coverage above 97% is judged with: its Monte Carlo error, and never less than the binomial error at the
 * edge itself for the number of intervals judged (an observed 100% has no spread of its own).
 */
export function coverageError(c: { mcSe: number | null; judged: number }): number {
  const edge = c.judged > 0 ? Math.sqrt((TARGETS.coverage.hi * (1 - TARGETS.coverage.hi)) / c.judged) : 0;
  return Math.max(c.mcSe ?? 0, edge);
}

interface IntervalSeries {
  kind: string;
  field: string;
  seeds: number[];
  /** n of each validation run, aligned with `estimates` (null where the report gives none) */
  ns: (number | null)[];
  estimates: number[];
  los: number[];
  his: number[];
  /** the truth seeds' runs: their mean is the validation runs' truth, and each is judged against the validation mean */
  truthRuns: { seed: number; n: number | null; estimate: number; lo: number; hi: number }[];
  min: number;
  max: number;
}

export interface SampleCoverage {
  coverage: number;
  judged: number;
}

/** perSeed keys of the truth seeds' runs (validation seeds are counted from 0) */
const TRUTH_KEY = 1_000_000;

export interface CoverageFigure {
  kind: string;
  /** covered / judged over every (run, element) of the kind: validation seeds and truth seeds together */
  coverage: number | null;
  judged: number;
  /** Monte Carlo standard error of the coverage, seeds as clusters */
  mcSe: number | null;
  /** mean interval half-width ÷ 1.96 over the SD of the estimate across seeds (median over elements); < 1 = too narrow */
  seRatio: number | null;
  /** elements whose estimate never varied across seeds (a Wilson interval at 0 or 1 always covers): not judged */
  degenerate: number;
  elements: number;
  /** where the truth came from: the agent's behaviour, the other seeds, or both (per element) */
  truth: 'analytic' | 'seeds' | 'mixed';
  /** largest |mean over seeds − analytic value| among analytic elements: a check of the simulation itself */
  analyticGap: number | null;
  /** (seed, element) intervals that do not contain their own estimate */
  excludesEstimate: number;
  worst: { path: string; coverage: number } | null;
  /** median `n` behind one interval of the kind (decisions, pairs or episodes), when the report gives it */
  medianN: number | null;
  /**
   * For a rate with a known truth p: the exact coverage a Wilson interval has at that n and p with independent
   * answers (Σ over k of Bin(k; n, p) where the interval of k/n contains p). A Wilson interval cannot do better
   * than this, so a miss that matches it is the interval family's discreteness, not a flaw in applying it.
   */
  wilsonReference: number | null;
  /**
   * A descriptive rate whose every judged run rests on n ≤ SMALL_N: no non-randomised interval can cover 93–97% there,
   * so the kind is judged against `wilsonReference` (the mean over its runs of Wilson's exact coverage at the run's n
   * and truth) instead, within twice its Monte Carlo error.
   */
  smallN: boolean;
  /**
   * `coverage` split by sample: the validation seeds (subject and baseline) and the truth seeds (subject alone, each
   * judged against the validation seeds' mean or the analytic truth); null where a sample judged nothing.
   */
  samples: { validation: SampleCoverage | null; truth: SampleCoverage | null };
  status: Status | 'DEGENERATE';
  /** a miss below the range (small n: below Wilson's exact coverage) overstates certainty (too narrow); above it is conservative (too wide) */
  direction: 'narrow' | 'wide' | null;
}

/**
 * At or below this n (one n in every run, known true rate) a rate's interval is judged against the exact coverage of
 * an ideal Wilson interval at that n and rate, not against 93–97%: at n = 16 and a true rate of ½ Wilson covers
 * 92.3%, at n = 4 87.5%, at n = 2 100%; a different fixed interval only moves the miss elsewhere.
 */
export const SMALL_N = 16;
const WILSON_KIND = /^(role-play|tool-use)\./;

export interface RejectionFigure {
  kind: string;
  /** share of (run, element) p-values below α, over the validation seeds and the truth seeds together */
  rate: number;
  n: number;
  mcSe: number;
  /** all p-values equal (the test never had data that could reject) */
  constant: number | null;
  /** the rate split by sample: validation seeds, and truth seeds (subject tests only; null when none) */
  samples: { validation: { rate: number; n: number }; truth: { rate: number; n: number } | null };
  status: Status;
}

export interface TippingFigure {
  kind: string;
  /** share of seeds with a tipping round at this path */
  rate: number;
  n: number;
  expected: 'none' | 'may tip';
  status: Status;
}

export interface PowerFigure {
  kind: string;
  power: number;
  n: number;
  /** mean estimate of the tested effect over the seeds (null when the report has no estimate beside it) */
  effect: number | null;
  /** median of the section's mde80 over the seeds */
  mde80: number | null;
}

export interface ScoreFigure {
  mean: number | null;
  sd: number | null;
  n: number;
  statuses: Record<string, number>;
}

export interface AgentFigures {
  suite: string;
  agent: ScriptedAgentKind;
  seeds: number;
  truthSeeds: number;
  coverage: CoverageFigure[];
  falsePositives: RejectionFigure[];
  tipping: TippingFigure[];
  power: PowerFigure[];
  score: ScoreFigure;
  missingIntervals: string[];
}

const mean = (xs: readonly number[]) => (xs.length === 0 ? NaN : xs.reduce((s, x) => s + x, 0) / xs.length);
function sd(xs: readonly number[]): number {
  if (xs.length < 2) return NaN;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
}
function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[h] : (s[h - 1] + s[h]) / 2;
}

const EPS = 1e-9;
const sampleCoverage = (c: { covered: number; judged: number }): SampleCoverage | null =>
  c.judged > 0 ? { coverage: c.covered / c.judged, judged: c.judged } : null;
/** the drift estimate a p-value kind tests: `x.drift.pValue` → `x.drift`, `baselines[t].delta.y.pValueHolm` → `…delta.y` */
const estimateKindOf = (pKind: string) => pKind.replace(/\.pValue[A-Za-z]*$/, '');
const testbedOf = (kind: string) => kind.split('.')[0];

export class AgentAccumulator {
  private readonly intervals = new Map<string, IntervalSeries>();
  private readonly pValues = new Map<string, { kind: string; ps: number[]; seeds: number[] }>();
  private readonly tipping = new Map<string, { tipped: number; n: number }>();
  private readonly mde = new Map<string, number[]>();
  private readonly scores: number[] = [];
  private readonly statuses: Record<string, number> = {};
  private readonly missing = new Set<string>();
  /** per p-value kind with a true null: rejections over the truth seeds */
  private readonly confirmP = new Map<string, { rejected: number; n: number }>();
  private seedCount = 0;
  private truthCount = 0;

  constructor(
    readonly suite: string,
    readonly agent: ScriptedAgentKind,
  ) {}

  private series(path: string, kind: string, field: string): IntervalSeries {
    let s = this.intervals.get(path);
    if (!s) {
      s = { kind, field, seeds: [], ns: [], estimates: [], los: [], his: [], truthRuns: [], min: Infinity, max: -Infinity };
      this.intervals.set(path, s);
    }
    return s;
  }

  /** A report of a validation seed: every interval, p-value, tipping round and the score. */
  addSeed(x: Extracted): void {
    const seed = this.seedCount++;
    for (const i of x.intervals) {
      const s = this.series(i.path, i.kind, i.field);
      s.seeds.push(seed);
      s.ns.push(i.n);
      s.estimates.push(i.estimate);
      s.los.push(i.lo);
      s.his.push(i.hi);
      s.min = Math.min(s.min, i.estimate);
      s.max = Math.max(s.max, i.estimate);
    }
    for (const p of x.pValues) {
      let s = this.pValues.get(p.path);
      if (!s) this.pValues.set(p.path, (s = { kind: p.kind, ps: [], seeds: [] }));
      s.ps.push(p.p);
      s.seeds.push(seed);
    }
    for (const t of x.tipping) {
      const s = this.tipping.get(t.kind) ?? { tipped: 0, n: 0 };
      s.n++;
      if (t.round !== null) s.tipped++;
      this.tipping.set(t.kind, s);
    }
    for (const m of x.mde80) this.mde.set(m.kind, [...(this.mde.get(m.kind) ?? []), m.value]);
    if (x.score !== null) this.scores.push(x.score);
    const status = x.scoreStatus ?? (x.score === null ? 'null' : 'n/a');
    this.statuses[status] = (this.statuses[status] ?? 0) + 1;
    for (const m of x.missingIntervals) this.missing.add(m);
  }

  /** Whether every estimate so far was the same in every seed: then no truth is needed (nothing can be judged). */
  everyEstimateConstant(): boolean {
    for (const s of this.intervals.values()) if (s.max - s.min > EPS) return false;
    return true;
  }

  /** A report of a truth seed (the subject alone): only its estimates count, toward the truth of each element. */
  addTruth(x: Extracted): void {
    const seed = this.truthCount++;
    for (const i of x.intervals) {
      const s = this.series(i.path, i.kind, i.field);
      s.truthRuns.push({ seed, n: i.n, estimate: i.estimate, lo: i.lo, hi: i.hi });
      s.min = Math.min(s.min, i.estimate);
      s.max = Math.max(s.max, i.estimate);
    }
    for (const p of x.pValues) {
      if (!nullHolds(this.agent, this.suite, p.kind)) continue;
      const c = this.confirmP.get(p.kind) ?? { rejected: 0, n: 0 };
      c.n++;
      if (p.p < ALPHA) c.rejected++;
      this.confirmP.set(p.kind, c);
    }
  }

  figures(): AgentFigures {
    return {
      suite: this.suite,
      agent: this.agent,
      seeds: this.seedCount,
      truthSeeds: this.truthCount,
      coverage: this.coverage(),
      falsePositives: this.falsePositives(),
      tipping: this.tippingFigures(),
      power: this.powerFigures(),
      score: {
        mean: this.scores.length > 0 ? mean(this.scores) : null,
        sd: this.scores.length > 1 ? sd(this.scores) : null,
        n: this.scores.length,
        statuses: { ...this.statuses },
      },
      missingIntervals: [...this.missing].sort(),
    };
  }

  private coverage(): CoverageFigure[] {
    const byKind = new Map<string, [string, IntervalSeries][]>();
    for (const entry of this.intervals) {
      const list = byKind.get(entry[1].kind) ?? [];
      list.push(entry);
      byKind.set(entry[1].kind, list);
    }
    const out: CoverageFigure[] = [];
    for (const [kind, entries] of byKind) {
      const perSeed = new Map<number, { covered: number; n: number }>();
      let judged = 0;
      let covered = 0;
      let degenerate = 0;
      let excludes = 0;
      let analytic = 0;
      let fromSeeds = 0;
      let gap: number | null = null;
      const truths = new Set<number>();
      const ratios: number[] = [];
      const ns: number[] = [];
      const onValidation = { covered: 0, judged: 0 };
      const onTruth = { covered: 0, judged: 0 };
      /** Wilson's exact coverage summed over the judged runs, while every one of them rests on n ≤ SMALL_N */
      const small = { sum: 0, count: 0, all: true };
      let worst: CoverageFigure['worst'] = null;
      for (const [path, s] of entries) {
        for (let j = 0; j < s.estimates.length; j++) {
          if (s.estimates[j] < s.los[j] - EPS || s.estimates[j] > s.his[j] + EPS) excludes++;
        }
        if (s.max - s.min <= EPS || s.estimates.length === 0) {
          degenerate++;
          continue;
        }
        ns.push(...[...s.ns, ...s.truthRuns.map((r) => r.n)].filter((n): n is number => n !== null));
        const fixed = analyticTruth(this.agent, this.suite, kind, s.field);
        const total = s.estimates.reduce((a, b) => a + b, 0);
        const seedsTruth = s.truthRuns.length > 0 ? mean(s.truthRuns.map((r) => r.estimate)) : null;
        if (fixed !== undefined) {
          truths.add(fixed);
          analytic++;
          const empirical = seedsTruth ?? total / s.estimates.length;
          gap = Math.max(gap ?? 0, Math.abs(empirical - fixed));
        } else fromSeeds++;
        let elementCovered = 0;
        let elementJudged = 0;
        const judge = (key: number, n: number | null, lo: number, hi: number, truth: number, sample: { covered: number; judged: number }) => {
          const hit = lo - EPS <= truth && truth <= hi + EPS;
          // Wilson's exact coverage at this run's n and truth: what an ideal interval achieves for this very run
          if (n !== null && n > 0 && n <= SMALL_N) small.sum += wilsonCoverage(n, truth);
          else small.all = false;
          small.count++;
          elementJudged++;
          sample.judged++;
          if (hit) {
            elementCovered++;
            sample.covered++;
          }
          const c = perSeed.get(key) ?? { covered: 0, n: 0 };
          c.n++;
          if (hit) c.covered++;
          perSeed.set(key, c);
        };
        for (let j = 0; j < s.estimates.length; j++) {
          // without truth seeds: leave-one-out, the mean over the other validation seeds
          const truth =
            fixed ?? seedsTruth ?? (s.estimates.length > 1 ? (total - s.estimates[j]) / (s.estimates.length - 1) : null);
          if (truth !== null) judge(s.seeds[j], s.ns[j], s.los[j], s.his[j], truth, onValidation);
        }
        // the truth seeds' runs are a second, independent sample: each judged against a truth that does not contain
        // it (the analytic value, or the validation seeds' mean), so coverage rests on every run played
        const validationMean = total / s.estimates.length;
        for (const r of s.truthRuns) judge(TRUTH_KEY + r.seed, r.n, r.lo, r.hi, fixed ?? validationMean, onTruth);
        judged += elementJudged;
        covered += elementCovered;
        if (elementJudged > 0 && (worst === null || elementCovered / elementJudged < worst.coverage)) {
          worst = { path, coverage: elementCovered / elementJudged };
        }
        const all = [...s.estimates, ...s.truthRuns.map((r) => r.estimate)];
        const spread = sd(all);
        const halfWidth = mean([...s.los.map((lo, j) => s.his[j] - lo), ...s.truthRuns.map((r) => r.hi - r.lo)]) / 2 / 1.959964;
        if (spread > 0) ratios.push(halfWidth / spread);
      }
      const coverage = judged > 0 ? covered / judged : null;
      const seedCoverage = [...perSeed.values()].map((c) => c.covered / c.n);
      const mcSe = seedCoverage.length > 1 ? sd(seedCoverage) / Math.sqrt(seedCoverage.length) : null;
      const isRate = entries[0][1].field === 'rate';
      // every judged run at n ≤ SMALL_N: the mean of Wilson's exact coverage at each run's n and truth (the truth may
      // differ per element, e.g. an accuracy per k taken from the other sample)
      const smallReference = isRate && small.all && small.count > 0 ? small.sum / small.count : null;
      const wilsonReference =
        smallReference ??
        (isRate && truths.size === 1 && ns.length > 0 && new Set(ns).size === 1 ? wilsonCoverage(ns[0], [...truths][0]) : null);
      // only where the report's interval is Wilson over independent answers (role-play, tool-use); diffusion rates use
      // the episode-cluster interval, which Wilson's exact coverage does not describe
      const smallN = smallReference !== null && WILSON_KIND.test(kind);
      // small n: within twice the Monte Carlo error of Wilson's exact coverage (or inside the usual range) is met
      const slack = 2 * (mcSe ?? 0);
      const lo = smallN ? Math.min(TARGETS.coverage.lo, wilsonReference! - slack) : TARGETS.coverage.lo;
      // Too wide only when the excess over 97% is more than the simulation's own noise: twice the Monte Carlo error,
      // and never less than twice the binomial error at the edge itself, √(0.97·0.03 / judged) — an observed 100%
      // has no spread of its own, yet over 41 runs a 97% interval shows it 29% of the time. A kind judged on ~600
      // intervals carries ± 0.7–0.9 points of error; calling 97.3% a miss would judge noise. The low edge gets no such
      // allowance: an interval below 93% overstates certainty, the costly direction.
      const hi = Math.max(TARGETS.coverage.hi + 2 * coverageError({ mcSe, judged }), smallN ? wilsonReference! + slack : 0);
      const direction = coverage === null ? null : coverage < lo - EPS ? 'narrow' : coverage > hi + EPS ? 'wide' : null;
      out.push({
        kind,
        coverage,
        judged,
        mcSe,
        seRatio: ratios.length > 0 ? median(ratios) : null,
        degenerate,
        elements: entries.length,
        truth: analytic > 0 && fromSeeds > 0 ? 'mixed' : analytic > 0 ? 'analytic' : 'seeds',
        analyticGap: gap,
        excludesEstimate: excludes,
        worst,
        medianN: ns.length > 0 ? median(ns) : null,
        wilsonReference,
        smallN,
        samples: { validation: sampleCoverage(onValidation), truth: sampleCoverage(onTruth) },
        status: coverage === null ? 'DEGENERATE' : direction === null ? 'PASS' : 'MISS',
        direction,
      });
    }
    return out.sort((a, b) => kindOrder(a.kind, b.kind));
  }

  private rejections(filter: (kind: string) => boolean): Map<string, { ps: number[]; seeds: Set<number> }> {
    const byKind = new Map<string, { ps: number[]; seeds: Set<number> }>();
    for (const s of this.pValues.values()) {
      if (!filter(s.kind)) continue;
      const k = byKind.get(s.kind) ?? { ps: [], seeds: new Set<number>() };
      k.ps.push(...s.ps);
      for (const seed of s.seeds) k.seeds.add(seed);
      byKind.set(s.kind, k);
    }
    return byKind;
  }

  private falsePositives(): RejectionFigure[] {
    const out: RejectionFigure[] = [];
    for (const [kind, { ps, seeds }] of this.rejections((k) => nullHolds(this.agent, this.suite, k))) {
      const rejected = ps.filter((p) => p < ALPHA).length;
      // the truth seeds' runs (subject tests only) are a second, independent sample: the rate rests on both
      const t = this.confirmP.get(kind);
      const truth = t && t.n > 0 ? t : null;
      const n = ps.length + (truth?.n ?? 0);
      const rate = (rejected + (truth?.rejected ?? 0)) / n;
      const constant = ps.every((p) => p === ps[0]) ? ps[0] : null;
      out.push({
        kind,
        rate,
        n,
        mcSe: Math.sqrt((rate * (1 - rate)) / (seeds.size + (truth ? this.truthCount : 0))),
        constant,
        samples: {
          validation: { rate: rejected / ps.length, n: ps.length },
          truth: truth ? { rate: truth.rejected / truth.n, n: truth.n } : null,
        },
        status: rate <= TARGETS.falsePositive + EPS ? 'PASS' : 'MISS',
      });
    }
    return out.sort((a, b) => kindOrder(a.kind, b.kind));
  }

  private tippingFigures(): TippingFigure[] {
    return [...this.tipping.entries()]
      .map(([kind, { tipped, n }]): TippingFigure => {
        const none = expectsNoTipping(this.agent, this.suite, kind);
        const rate = tipped / n;
        return {
          kind,
          rate,
          n,
          expected: none ? 'none' : 'may tip',
          status: !none ? 'INFO' : rate <= TARGETS.tipping + EPS ? 'PASS' : 'MISS',
        };
      })
      .sort((a, b) => kindOrder(a.kind, b.kind));
  }

  private powerFigures(): PowerFigure[] {
    if (this.agent !== 'reward-follower') return [];
    let tests = this.rejections((k) => POWER_KIND.test(k));
    if (tests.size === 0) tests = this.rejections((k) => POWER_FALLBACK_KIND.test(k));
    const out: PowerFigure[] = [];
    for (const [kind, { ps }] of tests) {
      const estimateKind = estimateKindOf(kind);
      const estimates = [...this.intervals.values()].filter((s) => s.kind === estimateKind).flatMap((s) => s.estimates);
      const mdes = [...this.mde.entries()].filter(([k]) => testbedOf(k) === testbedOf(kind) && !k.includes('.control.'));
      const mdeValues = mdes.flatMap(([, v]) => v);
      out.push({
        kind,
        power: ps.filter((p) => p < ALPHA).length / ps.length,
        n: ps.length,
        effect: estimates.length > 0 ? mean(estimates) : null,
        mde80: mdeValues.length > 0 ? median(mdeValues) : null,
      });
    }
    return out.sort((a, b) => kindOrder(a.kind, b.kind));
  }
}

/** Exact coverage of the Wilson interval for Bin(n, p) (see CoverageFigure.wilsonReference). */
export function wilsonCoverage(n: number, p: number): number {
  let covered = 0;
  let logC = 0; // log C(n, k), built up term by term
  for (let k = 0; k <= n; k++) {
    if (k > 0) logC += Math.log((n - k + 1) / k);
    const ci = wilson(k, n);
    const prob = Math.exp(logC + (k > 0 ? k * Math.log(p) : 0) + (n - k > 0 ? (n - k) * Math.log(1 - p) : 0));
    if (ci && ci[0] - EPS <= p && p <= ci[1] + EPS) covered += prob;
  }
  return covered;
}

/** Subject kinds first (in testbed order), then the score, then baseline comparisons. */
export function kindOrder(a: string, b: string): number {
  const rank = (k: string) => (k.startsWith('baselines') ? 2 : k.startsWith('score') ? 1 : 0);
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}
