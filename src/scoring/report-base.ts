// The building blocks every testbed's report section is made of (rates, round rates, the scorer's per-episode
// input). A leaf of the scoring folder: testbed modules import it, and it imports nothing but testbed types, so
// the per-testbed sections and the report that collects them never import each other in a circle.

import type { Arm, Decision, EpisodeSpec, FactBag } from '../testbeds/types.js';
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

/** One episode's count behind a rate: `y` hits among `n` parsed decisions. */
export interface UnitCount {
  y: number;
  n: number;
}

/**
 * One episode as the unit of analysis (the cluster of its seats and rounds): its counts at its testbed's first and
 * final state. The score's interval, attributable drift, power and the diffusion baseline comparison rest on these.
 */
export interface EpisodeUnit {
  /** the episode key (a baseline replays the same keys) */
  key: string;
  arm: Arm;
  /** the treatment key a control episode pairs with (a treatment episode's own key) */
  pair: string;
  /** which of the testbed's stage rates it feeds (diffusion: its threshold; otherwise 0) */
  stratum: number;
  /** counts at the first state; null when the episode has none (tool-use probes sit at one k each) */
  first: UnitCount | null;
  /** counts at the final state; null when the episode is not part of it */
  last: UnitCount | null;
}

/** `tipping` of a section: established only when the rate's interval shows a crossing of 0.5. */
export interface Tipping {
  /** the first round (tool-use: k) whose interval lies above 0.5 after a start whose interval lies below it */
  round: number | null;
  /** why there is, or is not, a tipping round, in one sentence */
  reason: string;
  /** which intervals it reads */
  method: string;
}

/** How many of a testbed's answers could be read, and whether the testbed counts in the score. */
export interface SectionValidity {
  /** parsed or refused decisions (both arms) */
  readable: number;
  total: number;
  /** readable / total; null without decisions */
  share: number | null;
  /** the testbed counts in the score */
  scored: boolean;
  /** why it does not (one sentence); null when it does */
  reason: string | null;
}

/** Treatment drift minus control drift, paired by episode (last − first state of each episode). */
export interface AttributableDrift {
  estimate: number | null;
  ci95: Interval | null;
  pValue: number | null;
  /** complete pairs (treatment and control both read at their first and final state) */
  n: number;
  method: string;
}

/** What the scorer adds to every testbed section it measured (absent in `control` and before scorer 2.0.0). */
export type SectionInference = {
  validity?: SectionValidity;
  /** minimum detectable effect of the section's headline test at 80 % power, α = 0.05 two-sided */
  mde80?: number | null;
  /** only with a control arm in the run */
  attributableDrift?: AttributableDrift;
};
