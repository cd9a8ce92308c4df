// The small-seed version of `npm run validate` (bench/validate): scripted agents through the real atp-quick-v2
// testbeds and buildReport, on fixed seeds, asserting the validation targets with a margin for the small n.
// Only true values the agents' behaviour fixes are used (a coin flip deviates half the time, an imitator's collusion
// rate is one half by symmetry, a same-model difference and the drift of an agent that does not learn are zero),
// so no truth seeds are needed. Margins at 40 seeds, where a calibrated 95% interval or a 5% test fails them with
// probability below 1% per row: coverage ≥ 85% (target 93–97%), false-positive rate ≤ 15% (target ≤ 6%); a
// tipping round in at most 5% of seeds for agents that do not tip (the target itself: the old rule, first round
// above one half, names one for a coin-flip agent in over 90% of seeds), none at all for the deterministic
// always-first agent.
import { describe, expect, it } from 'vitest';
import type { ScriptedAgentKind } from '../../src/sim/scripted/index.js';
import { extract } from '../../bench/validate/extract.js';
import { AgentAccumulator, coverageError, SMALL_N, wilsonCoverage, type AgentFigures } from '../../bench/validate/measure.js';
import { simulateRun } from '../../bench/validate/simulate.js';

const SUITE = 'atp-quick-v2';
const seeds = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

function figures(agent: ScriptedAgentKind, n: number, testbeds?: string[]): AgentFigures {
  const acc = new AgentAccumulator(SUITE, agent);
  for (const seed of seeds(n)) acc.addSeed(extract(simulateRun(SUITE, agent, seed, { baseline: true, testbeds })));
  return acc.figures();
}

const COVERAGE_FLOOR = 0.85;
const FALSE_POSITIVE_CEILING = 0.15;
/** interval half-width ÷ 1.96 over the estimate's SD: above this an interval is too wide to be informative */
const WIDTH_CEILING = 2.5;
const TIPPING_CEILING = 0.05;

function expectCalibrated(f: AgentFigures) {
  const judged = f.coverage.filter((c) => c.truth === 'analytic' && c.coverage !== null);
  expect(judged.length, `${f.agent}: intervals with a known truth`).toBeGreaterThan(0);
  for (const c of judged) {
    expect(c.coverage, `${f.agent} ${c.kind}: coverage`).toBeGreaterThanOrEqual(COVERAGE_FLOOR);
    if (c.seRatio !== null && c.judged >= 40) expect(c.seRatio, `${f.agent} ${c.kind}: width`).toBeLessThanOrEqual(WIDTH_CEILING);
    expect(c.excludesEstimate, `${f.agent} ${c.kind}: intervals without their own estimate`).toBe(0);
  }
  expect(f.falsePositives.length, `${f.agent}: tests with a true null`).toBeGreaterThan(0);
  for (const t of f.falsePositives) expect(t.rate, `${f.agent} ${t.kind}: false-positive rate`).toBeLessThanOrEqual(FALSE_POSITIVE_CEILING);
}

describe(`inference holds on ${SUITE} (scripted agents, fixed seeds)`, () => {
  it('coin-flip: intervals cover one half, zero and the score of 50, tests do not reject, (almost) no tipping round', () => {
    const f = figures('coin-flip', 40);
    expectCalibrated(f);
    // every testbed contributes: role-play and diffusion rates, tool-use probes, differences
    const kinds = f.coverage.filter((c) => c.truth === 'analytic' && c.coverage !== null).map((c) => c.kind);
    for (const k of ['role-play.rounds[*]', 'strategy-diffusion.byThreshold[*].rounds[*]', 'baselines[tenant].delta.strategy-diffusion', 'score']) {
      expect(kinds).toContain(k);
    }
    for (const t of f.tipping) expect(t.rate, `${t.kind}: tipping`).toBeLessThanOrEqual(TIPPING_CEILING);
    // descriptive rates at n ≤ 16 (per scenario: 2 decisions) are judged against Wilson's exact coverage, nothing else
    const small = f.coverage.filter((c) => c.smallN);
    expect(small.map((c) => c.kind)).toContain('role-play.byScenario[*].rounds[*]');
    for (const c of small) {
      expect(c.medianN!, c.kind).toBeLessThanOrEqual(SMALL_N);
      // only Wilson intervals over independent answers; the diffusion cluster intervals keep the 93–97% target
      expect(c.kind).toMatch(/^(role-play|tool-use)\./);
    }
    expect(f.coverage.find((c) => c.kind === 'strategy-diffusion.byThreshold[*].rounds[*]')?.smallN).toBe(false);
  });

  it('judges a coverage above 97% with the error of the simulation that measured it, never with none', () => {
    // 600 intervals: the Monte Carlo error decides
    expect(coverageError({ mcSe: 0.008, judged: 600 })).toBe(0.008);
    // an observed 100% over 41 runs has no spread of its own; the binomial error at 97% stands in (√(0.97·0.03/41))
    expect(coverageError({ mcSe: 0, judged: 41 })).toBeCloseTo(0.02664, 5);
    expect(coverageError({ mcSe: null, judged: 0 })).toBe(0);
  });

  it("Wilson's exact coverage at small n and a true rate of one half", () => {
    expect(wilsonCoverage(2, 0.5)).toBeCloseTo(1, 12);
    expect(wilsonCoverage(4, 0.5)).toBeCloseTo(0.875, 12);
    expect(wilsonCoverage(16, 0.5)).toBeCloseTo(0.9232, 4);
  });

  it('imitator: strategy-diffusion intervals and tests hold although the seats of a game copy each other', () => {
    const f = figures('imitator', 40, ['strategy-diffusion']);
    expectCalibrated(f);
    expect(f.coverage.find((c) => c.kind === 'strategy-diffusion.byThreshold[*].rounds[*]')?.truth).toBe('analytic');
    expect(f.falsePositives.map((t) => t.kind)).toContain('baselines[tenant].delta.strategy-diffusion.pValue');
    for (const t of f.tipping) expect(t.rate, `${t.kind}: tipping`).toBeLessThanOrEqual(TIPPING_CEILING);
  });

  it('always-first: exactly half in every round, never a tipping round', () => {
    const f = figures('always-first', 10);
    for (const t of f.tipping) expect(t.rate, `${t.kind}: tipping`).toBe(0);
    for (const t of f.falsePositives) expect(t.rate, `${t.kind}: false-positive rate`).toBe(0);
  });

  it('reward-follower: the role-play drift test finds the drift that is there', () => {
    const f = figures('reward-follower', 12, ['role-play']);
    const tests = f.power.filter((p) => p.kind.startsWith('role-play.'));
    expect(tests.length).toBeGreaterThan(0);
    // its drift (≈ +0.35) is far above the quick suite's detectable effect: most seeds must find it
    for (const p of tests) expect(p.power, p.kind).toBeGreaterThanOrEqual(0.5);
    // and its control arm, which shows no pay, is a true null
    for (const t of f.falsePositives) expect(t.rate, `${t.kind}: false-positive rate`).toBeLessThanOrEqual(FALSE_POSITIVE_CEILING);
  });
});
