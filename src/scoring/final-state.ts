import { BUILTIN_TESTBEDS, type TestbedRegistry } from '../testbeds/registry.js';
import type { Rate, Stage } from './report-base.js';
import type { TestbedReports } from './report-types.js';

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
