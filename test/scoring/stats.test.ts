import { describe, expect, it } from 'vitest';
import {
  clusterRatioVariance,
  clusterWilson,
  diffCI,
  holm,
  meanTest,
  t975,
  tTwoSidedP,
  wilsonAt,
  mcnemarExact,
  pairedDifferenceCI,
  pairedDifferenceFromCounts,
  round2,
  round4,
  round4Interval,
  wilson,
} from '../../src/scoring/stats.js';

const r = (ci: [number, number] | null) => round4Interval(ci);

describe('wilson', () => {
  it('matches known values', () => {
    expect(r(wilson(0, 10))).toEqual([0, 0.2775]);
    expect(r(wilson(5, 10))).toEqual([0.2366, 0.7634]);
    expect(r(wilson(10, 10))).toEqual([0.7225, 1]);
    expect(r(wilson(1, 4))).toEqual([0.0456, 0.6994]);
  });
  it('is exact at the edges and null without data', () => {
    expect(wilson(10, 10)![1]).toBe(1);
    expect(wilson(0, 3)![0]).toBe(0);
    expect(wilson(0, 0)).toBeNull();
  });
  it('accepts another z', () => {
    // z = 1: centre = (0.5 + 0.05) / 1.1 = 0.5, half = (1 / 1.1)·√(0.025 + 0.0025) = 0.15076
    expect(r(wilson(5, 10, 1))).toEqual([0.3492, 0.6508]);
  });
});

describe('mcnemarExact', () => {
  it('matches known values', () => {
    expect(mcnemarExact(0, 5)).toBeCloseTo(0.0625, 12); // 2 · 1/32
    expect(round4(mcnemarExact(1, 9))).toBe(0.0215); // 2 · 11/1024 = 0.021484
    expect(mcnemarExact(9, 1)).toBe(mcnemarExact(1, 9));
    expect(mcnemarExact(3, 3)).toBe(1);
    expect(mcnemarExact(0, 0)).toBe(1);
  });
  it('does not underflow for many discordant pairs', () => {
    // b = c = 1000: p = 1; b = 400, c = 600: tiny but finite and positive
    expect(mcnemarExact(1000, 1000)).toBe(1);
    const p = mcnemarExact(400, 600);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1e-8);
  });
});

describe('pairedDifferenceCI (Newcombe method 10, paired)', () => {
  it('reproduces a hand-computed interval (φ = 0)', () => {
    // a = 2 (1,1), b = 1 (1,0), c = 4 (0,1), d = 3 (0,0); n = 10
    // p(x1) = 6/10, p(x0) = 3/10, delta = 0.3; ad − bc = 2 ≤ n/2 → φ = 0
    // wilson(6,10) = [0.3127, 0.8318], wilson(3,10) = [0.1078, 0.6032]
    // L = 0.3 − √((0.6 − 0.3127)² + (0.6032 − 0.3)²) = 0.3 − √(0.08254 + 0.09193) = −0.1177
    // U = 0.3 + √((0.8318 − 0.6)² + (0.3 − 0.1078)²) = 0.3 + √(0.05373 + 0.03694) = 0.6011
    const pairs: [0 | 1, 0 | 1][] = [
      [1, 1], [1, 1],
      [1, 0],
      [0, 1], [0, 1], [0, 1], [0, 1],
      [0, 0], [0, 0], [0, 0],
    ];
    const { delta, ci95 } = pairedDifferenceCI(pairs);
    expect(round4(delta!)).toBe(0.3);
    expect(r(ci95)).toEqual([-0.1177, 0.6011]);
  });

  it('uses the corrected correlation when ad − bc > n/2', () => {
    // a = 3, d = 1, b = c = 0: delta 0; φ = (3 − 2)/√(3·1·3·1) = 1/3; wilson(3,4) = [0.3006, 0.9544]
    // half-width = √(0.4494² − (2/3)·0.4494·0.2044 + 0.2044²) = √0.18250 = 0.4272
    expect(r(pairedDifferenceFromCounts(3, 0, 0, 1).ci95)).toEqual([-0.4272, 0.4272]);
    // Published example (Cavo et al. 2012 in Fagerland, Lydersen & Laake, ch. 8): 59, 6 / 16, 80
    // → estimate −0.0621, Newcombe square-and-add interval (−0.1186, −0.0046)
    const cavo = pairedDifferenceFromCounts(59, 16, 6, 80);
    expect(round4(cavo.delta!)).toBe(-0.0621);
    expect(r(cavo.ci95)).toEqual([-0.1186, -0.0046]);
  });

  it('is null without pairs and stays inside [-1, 1]', () => {
    expect(pairedDifferenceCI([])).toEqual({ delta: null, ci95: null });
    const all = pairedDifferenceCI(Array.from({ length: 5 }, () => [0, 1] as [0, 1]));
    expect(all.delta).toBe(1);
    expect(all.ci95![1]).toBe(1);
    expect(all.ci95![0]).toBeGreaterThan(0);
  });
});

describe('diffCI (Newcombe method 10, unpaired)', () => {
  it('reproduces a hand-computed interval', () => {
    // x0 = 1/4, x1 = 3/4: delta 0.5; wilson(1,4) = [0.0456, 0.6994], wilson(3,4) = [0.3006, 0.9544]
    // L = 0.5 − √(0.4494² + 0.4494²) = −0.1355, U = 0.5 + √(0.2044² + 0.2044²) = 0.7891
    const d = diffCI(1, 4, 3, 4);
    expect(round4(d.delta!)).toBe(0.5);
    expect(r(d.ci95)).toEqual([-0.1355, 0.7891]);
    expect(diffCI(0, 0, 1, 2)).toEqual({ delta: null, ci95: null });
  });
});

describe('rounding', () => {
  it('rounds to 4 / 2 decimals without negative zero', () => {
    expect(round4(2 / 3)).toBe(0.6667);
    expect(Object.is(round4(-0.00001), 0)).toBe(true);
    expect(round2(13.8888)).toBe(13.89);
  });
});

describe('episode-level inference', () => {
  it('t quantiles and p-values match tables', () => {
    expect(round4(t975(1))).toBe(12.7062);
    expect(round4(t975(3))).toBe(3.1824);
    expect(round4(t975(10))).toBe(2.2281);
    expect(round4(t975(1000))).toBe(1.9623);
    expect(round4(tTwoSidedP(2.2281388519649385, 10))).toBe(0.05);
    expect(round4(tTwoSidedP(0, 5))).toBe(1);
    expect(round4(tTwoSidedP(1, 1))).toBe(0.5);
  });

  it('meanTest: t interval and test; degenerate spread; too few values', () => {
    const m = meanTest([1, 1, 1, 1, 1, 1, 0, 0]);
    expect(round4(m.mean!)).toBe(0.75);
    expect(r(m.ci95)).toEqual([0.363, 1.137]);
    expect(round4(m.pValue!)).toBe(0.0025);
    expect(meanTest([0, 0, 0])).toMatchObject({ mean: 0, ci95: [0, 0], pValue: 1 });
    // a tie with a variance that needs no estimate: Student t on that, never a point with p = 0
    const tied = meanTest([0.5, 0.5, 0.5, 0.5], () => 0.25);
    expect(tied.se).toBeCloseTo(0.25, 12);
    expect(tied.ci95![0]).toBeCloseTo(0.5 - t975(3) * 0.25, 12);
    expect(tied.pValue).toBeCloseTo(tTwoSidedP(2, 3), 12);
    expect(meanTest([1, 0], () => 0.25).se).toBeCloseTo(0.5, 12); // a spread of its own: the tie variance is not used
    expect(meanTest([0.5])).toMatchObject({ mean: 0.5, ci95: null, pValue: null, n: 1 });
    expect(meanTest([])).toMatchObject({ mean: null, n: 0 });
  });

  it('clusterWilson: wider than Wilson when the seats of a game agree, Wilson for one cluster', () => {
    // 6 games of 8 seats, each game all-in or all-out: 3 of 6 games collude → p = .5, but only 6 independent units
    const games = [8, 8, 8, 0, 0, 0].map((y) => ({ y, n: 8 }));
    const w = wilson(24, 48)!;
    const c = clusterWilson(games)!;
    expect(c[0]).toBeLessThan(w[0] - 0.1);
    expect(c[1]).toBeGreaterThan(w[1] + 0.1);
    // seats independent-looking (each game 4 of 8): the design effect is floored at 1, only the t correction widens
    const even = clusterWilson([4, 4, 4, 4, 4, 4].map((y) => ({ y, n: 8 })))!;
    expect(even[0]).toBeLessThanOrEqual(w[0]);
    expect(even[1]).toBeGreaterThanOrEqual(w[1]);
    // one game: a single observation, whatever its number of seats
    expect(r(clusterWilson([{ y: 3, n: 4 }]))).toEqual(r(wilsonAt(0.75, 1)));
    expect(clusterWilson([{ y: 0, n: 8 }])).toEqual(wilson(0, 1));
    expect(clusterWilson([{ y: 0, n: 0 }])).toBeNull();
    // exact edges
    expect(clusterWilson(games.map((g) => ({ y: 0, n: g.n })))![0]).toBe(0);
    expect(clusterWilson(games.map((g) => ({ y: g.n, n: g.n })))![1]).toBe(1);
  });

  it("clusterWilson mode 'transition': CR1 scaled by (t_{G−1}/z)², never wider than Kish's effective number of games; at 0 or 1 that number", () => {
    const zeros = [0, 0, 0, 0, 0, 0, 0].map((y) => ({ y, n: 8 }));
    // games of equal size: Kish's effective number is G, each game counts once
    expect(r(clusterWilson(zeros, 'transition'))).toEqual(r(wilsonAt(0, 7)));
    expect(clusterWilson(zeros, 'transition')![1]).toBeGreaterThan(clusterWilson(zeros)![1]);
    expect(r(clusterWilson(zeros.map((c) => ({ y: c.n, n: c.n })), 'transition'))).toEqual(r(wilsonAt(1, 7)));
    // uneven games: (Σn)² / Σn² — one big game dominates, so the effective number is near 1, not 3
    const uneven = [{ y: 0, n: 10 }, { y: 0, n: 1 }, { y: 0, n: 1 }];
    expect(r(clusterWilson(uneven, 'transition'))).toEqual(r(wilsonAt(0, 144 / 102)));
    // inside (0, 1): Wilson at p(1 − p) / (v_CR1 · (t_{G−1}/z)²), with no floor at the binomial variance…
    const mixed = [6, 2, 1, 5].map((y) => ({ y, n: 8 }));
    const p = 14 / 32;
    const v = clusterRatioVariance(mixed)! * (t975(3) / 1.959963984540054) ** 2;
    expect((p * (1 - p)) / v).toBeGreaterThan(4);
    expect(r(clusterWilson(mixed, 'transition'))).toEqual(r(wilsonAt(p, (p * (1 - p)) / v)));
    // …unless t widens it past the bound: games that each agree wholly are G Bernoulli draws, Wilson at G
    const herd = [8, 8, 0, 0, 8].map((y) => ({ y, n: 8 }));
    const vHerd = clusterRatioVariance(herd)! * (t975(4) / 1.959963984540054) ** 2;
    expect((0.6 * 0.4) / vHerd).toBeLessThan(5);
    expect(r(clusterWilson(herd, 'transition'))).toEqual(r(wilsonAt(0.6, 5)));
    // seats that disagree more evenly than coin flips: narrower than Wilson at n (the rate mode never is)
    const even = [4, 4, 4, 4, 3, 5, 4, 4].map((y) => ({ y, n: 8 }));
    const w = wilsonAt(0.5, 64)!;
    expect(clusterWilson(even, 'transition')![1] - clusterWilson(even, 'transition')![0]).toBeLessThan(w[1] - w[0]);
    expect(clusterWilson(even)![1] - clusterWilson(even)![0]).toBeGreaterThanOrEqual(w[1] - w[0] - 1e-12);
    // every game at the same rate inside (0, 1): v_CR1 is 0, which says nothing about the seats — Kish, never a point
    const tied = [{ y: 1, n: 4 }, { y: 1, n: 4 }];
    expect(clusterRatioVariance(tied)).toBe(0);
    expect(r(clusterWilson(tied, 'transition'))).toEqual(r(wilsonAt(0.25, 2)));
    expect(r(clusterWilson([{ y: 1, n: 4 }, { y: 2, n: 8 }, { y: 3, n: 12 }], 'transition'))).toEqual(r(wilsonAt(0.25, 576 / 224)));
    // one game: a per-round rate counts it as one observation; a transition rate gives no interval at all
    expect(clusterWilson([{ y: 0, n: 8 }])).toEqual(wilsonAt(0, 1));
    expect(clusterWilson([{ y: 0, n: 8 }], 'transition')).toBeNull();
    expect(clusterWilson([{ y: 3, n: 4 }, { y: 0, n: 0 }], 'transition')).toBeNull();
  });

  it('clusterRatioVariance is the CR1 variance of Σy/Σn', () => {
    // p = 10/20; residuals 4 − 5 = −1, 6 − 5 = 1 (n 10 each); 2/1 · 2 / 400 = .01
    expect(clusterRatioVariance([{ y: 4, n: 10 }, { y: 6, n: 10 }])).toBeCloseTo(0.01, 12);
    expect(clusterRatioVariance([{ y: 4, n: 10 }])).toBeNull();
  });

  it('holm: step-down, monotone, capped, nulls kept', () => {
    expect(holm([0.01, 0.04, null, 0.03]).map((x) => (x === null ? null : round4(x)))).toEqual([0.03, 0.06, null, 0.06]);
    expect(holm([0.5, 0.6])).toEqual([1, 1]);
    expect(holm([])).toEqual([]);
  });
});

describe('intervals stay inside the range their quantity can take', () => {
  it('attributable drift over three pairs is cut to [−2, 2]', async () => {
    const { attributableDrift } = await import('../../src/scoring/inference.js');
    // treatment fell 1 → 0 in two pairs and stayed in one; control rose 0 → 1 in the first two: d = −2, −2, 0
    const unit = (key: string, arm: 'treatment' | 'control', first: number, last: number) => ({
      key: arm === 'control' ? `${key}-c` : key,
      arm,
      pair: key,
      stratum: 0,
      first: { y: first, n: 1 },
      last: { y: last, n: 1 },
    });
    const units = [
      unit('a', 'treatment', 1, 0), unit('a', 'control', 0, 1),
      unit('b', 'treatment', 1, 0), unit('b', 'control', 0, 1),
      unit('c', 'treatment', 0, 0), unit('c', 'control', 0, 0),
    ];
    const d = attributableDrift(units)!;
    expect(d.estimate).toBeCloseTo(-4 / 3, 4);
    expect(d.ci95![0]).toBe(-2);
    expect(d.ci95![1]).toBeGreaterThan(0);
    expect(d.ci95![1]).toBeLessThanOrEqual(2);
  });
});
