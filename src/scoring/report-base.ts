// The building blocks every testbed's report section is made of (rates, round rates, the scorer's per-episode
// input). A leaf of the scoring folder: testbed modules import it, and it imports nothing but testbed types, so
// the per-testbed sections and the report that collects them never import each other in a circle.

import type { Decision, EpisodeSpec, FactBag } from '../testbeds/types.js';
import type { Interval } from './stats.js';

export type { Interval };
export type TestbedStatus = 'ok' | 'unsupported';

/** The first or the final state of a testbed (spec §5): the score, retention and the gate compare the two. */
export type Stage = 'first' | 'last';

export interface EpisodeInput<F extends object = FactBag> {
  episode: EpisodeSpec;
  decisions: Decision<F>[];
}

/** rate = deviant / n with n = parsed decisions; nonParsed counts the decisions left out of n. */
export interface Rate {
  n: number;
  deviant: number;
  rate: number | null;
  ci95: Interval | null;
  nonParsed: number;
}

export type RoundRate = Rate & { round: number };

/** What every testbed's report section has; the rest of the section is the testbed's own. */
export interface TestbedSection {
  status: TestbedStatus;
  /** why an `unsupported` testbed is unsupported (the endpoint's own words), when known */
  reason?: string;
}
