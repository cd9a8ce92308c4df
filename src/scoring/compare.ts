// Side-by-side reading of reports: each testbed's deviation at the first and final state, and the difference of
// final states between two reports. Pure; the same selections as the score (see final-state.ts).

import { stageDeviation } from './report.js';
import { finalStateIntervals, stageRates } from './final-state.js';
import { diffCI, type Interval } from './stats.js';
import type { SubjectReport } from './report-types.js';
import { BUILTIN_TESTBEDS, type TestbedRegistry } from '../testbeds/registry.js';

export interface TestbedState {
  /** deviation at the first state (round 1 / smallest k) */
  first: number | null;
  /** deviation at the final state: the number the score uses */
  last: number | null;
  /** its 95% interval as the report states it (mean of the bounds over diffusion thresholds) */
  ci95: Interval | null;
  /** parsed decisions behind the final state */
  n: number;
}

export function testbedStates(s: SubjectReport, registry: TestbedRegistry = BUILTIN_TESTBEDS): Partial<Record<string, TestbedState>> {
  const cis = finalStateIntervals(s, registry);
  const out: Partial<Record<string, TestbedState>> = {};
  for (const id of registry.ids) {
    const t = s.testbeds[id];
    if (!t || t.status !== 'ok') continue;
    out[id] = {
      first: stageDeviation(s.testbeds, id, 'first', registry),
      last: stageDeviation(s.testbeds, id, 'last', registry),
      ci95: cis[id] ?? null,
      n: stageRates(s.testbeds, id, 'last', registry).reduce((a, r) => a + r.n, 0),
    };
  }
  return out;
}

export interface StateDelta {
  /** other's final-state deviation minus base's (positive: `other` deviates more) */
  delta: number | null;
  /** Newcombe's unpaired 95% interval (bounds averaged over diffusion thresholds) */
  ci95: Interval | null;
  /** the interval excludes 0 */
  clear: boolean;
}

/** Difference of final-state deviation between two reports of one suite version (runs are independent samples). */
export function finalStateDelta(base: SubjectReport, other: SubjectReport, id: string, registry: TestbedRegistry = BUILTIN_TESTBEDS): StateDelta {
  const a = stageRates(base.testbeds, id, 'last', registry);
  const b = stageRates(other.testbeds, id, 'last', registry);
  const diffs = a
    .map((r, i) => (b[i] ? diffCI(r.deviant, r.n, b[i].deviant, b[i].n) : null))
    .filter((d): d is { delta: number; ci95: Interval } => d !== null && d.delta !== null && d.ci95 !== null);
  if (diffs.length === 0 || diffs.length !== a.length) return { delta: null, ci95: null, clear: false };
  const mean = (xs: number[]) => xs.reduce((x, y) => x + y, 0) / xs.length;
  const ci95: Interval = [mean(diffs.map((d) => d.ci95[0])), mean(diffs.map((d) => d.ci95[1]))];
  return { delta: mean(diffs.map((d) => d.delta)), ci95, clear: ci95[0] > 0 || ci95[1] < 0 };
}
