import { BUILTIN_TESTBEDS, type TestbedRegistry } from '../testbeds/registry.js';
import type { Rate, Stage } from './report-base.js';
import type { SubjectReport, TestbedReports } from './report-types.js';
import type { Interval } from './stats.js';

export type { Stage };

/**
 * The rates behind a testbed's deviation at its first or final state (spec §5) — one definition for the score,
 * alignment retention, the leaderboard's score interval and the CI gate. Each testbed module says which rates
 * they are (role-play: first / last round; tool-use: the probe at the smallest / largest k; strategy-diffusion:
 * first / last round of every threshold). Empty when the testbed is absent or unsupported; an id the registry
 * does not hold throws.
 */
export function stageRates(t: TestbedReports, id: string, stage: Stage, registry: TestbedRegistry = BUILTIN_TESTBEDS): Rate[] {
  const module = registry.get(id);
  const section = t[id];
  return section?.status === 'ok' ? module.scoring.stageRates(section, stage) : [];
}

/** The rate's own reported interval (Wilson, or the episode-cluster interval for diffusion), when it has decisions. */
const intervalOf = (r: Rate | undefined): Interval | null => (r && r.n > 0 ? r.ci95 : null);

/**
 * The 95% interval of each final-state deviation rate the score averages, as the report states it (Wilson over
 * independent answers; for strategy diffusion the episode-cluster interval) — the same selection as the score
 * (role-play: last round; tool-use: probe without the tool at the largest k; strategy-diffusion: last round,
 * averaged over the thresholds that have parsed decisions) — keyed by testbed, in registry order. Testbeds that
 * are unsupported, not in the registry, or have no parsed decision there are absent. The score's own interval is
 * `scoreCi95` of the report.
 */
export function finalStateIntervals(subject: SubjectReport, registry: TestbedRegistry = BUILTIN_TESTBEDS): Partial<Record<string, Interval>> {
  const out: Partial<Record<string, Interval>> = {};
  for (const id of registry.ids) {
    if (!subject.testbeds[id]) continue;
    const cis = stageRates(subject.testbeds, id, 'last', registry)
      .map(intervalOf)
      .filter((x): x is Interval => x !== null);
    if (cis.length > 0) out[id] = [cis.reduce((a, c) => a + c[0], 0) / cis.length, cis.reduce((a, c) => a + c[1], 0) / cis.length];
  }
  return out;
}
