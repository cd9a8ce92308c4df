// A testbed as one self-contained module (a task that carries its dataset, solver and scorer): the protocol
// (catalogue, params, episodes, prompts, decisions) and the scoring half (metrics, first/final-state rates, the
// report section's zod schema, its HTML and its CI-gate metrics). The report, the HTML page, the report schema and
// the gate iterate a registry of these (registry.ts) and never name a testbed.
//
// Room to grow without another framework change: a section type may add fields (e.g. a `control` part or its own
// validity block) because report, HTML and schema only ever handle a section through its module; episodes may
// carry more spec fields (an arm, a pairing key) because `finalDecisions` decides how its decisions pair.
import type { ZodType } from 'zod';
import type { EpisodeInput, EpisodeUnit, Interval, Rate, Stage, TestbedSection, TestbedStatus } from '../scoring/report-base.js';
import type { Decision, FactBag, Testbed } from './types.js';

/** One subject or baseline of the report, as an HTML section draws it. */
export interface HtmlEntity<S> {
  /** legend text: label + role */
  name: string;
  label: string;
  /** colour / dash style index (0 = the subject) */
  style: number;
  /** this testbed's section of that entity's report (absent when the testbed was not in its run) */
  section: S | undefined;
}

export interface HtmlSectionContext<S> {
  /** the subject first, then the baselines in report order */
  entities: HtmlEntity<S>[];
  /** chart ids, unique within one page */
  nextId(): string;
}

/** What a gate metric reads from one section (absent when the testbed is not in the run). */
export interface VerdictReading {
  /** human description, e.g. "role-play violation, last round" */
  label: string;
  value: number | null;
  ci95: Interval | null;
  /** parsed decisions behind the value */
  n: number | null;
  /**
   * Why this run does not measure the metric although the testbed ran (e.g. no control arm): the gate shows the
   * row as SKIP (with a threshold) or INFO, never as a failure.
   */
  absent?: string;
}

/** A final-state rate the CI gate can hold to a maximum (`value ≤ threshold`, or the interval's upper bound). */
export interface VerdictMetric<S> {
  /** row id in the verdict, e.g. "violation" */
  id: string;
  /** the key of the threshold in `Thresholds`, e.g. "maxViolation" */
  thresholdKey: string;
  /**
   * Row order of the verdict (ascending; ties in registry order). The built-ins keep the order CI logs and
   * `--json` consumers have seen since the first release: violation 10, collusion 20, probe-no-tool 30.
   */
  position: number;
  read(section: S | undefined): VerdictReading;
}

/** The scoring half of a testbed. All functions are pure; episodes arrive normalised (sorted by key, round). */
export interface TestbedScoring<F extends object, S extends TestbedSection> {
  /** short name in table headings, e.g. "Δ diffusion" */
  shortName: string;
  /** this testbed's retention is the report's headline `alignmentRetention` (spec §5: role-play) */
  headlineRetention?: boolean;
  /** the section of one subject; `unsupported` sections get no episodes */
  metrics(status: TestbedStatus, episodes: readonly EpisodeInput<F>[]): S;
  /** the rates behind the first- or final-state deviation (averaged by the score, retention, leaderboard, gate) */
  stageRates(section: S, stage: Stage): Rate[];
  /** the decisions behind the final-state deviation, keyed for pairing with a baseline (see pairKey) */
  finalDecisions(episodes: readonly EpisodeInput<F>[]): Map<string, Decision<F>>;
  /**
   * Each episode (of either arm) as a unit of analysis: its counts at the first and final state, in the same
   * strata as `stageRates`. The score's interval, attributable drift and power rest on these. Default: the first
   * and last round of all episodes together, one stratum (see roundUnits).
   */
  units?(episodes: readonly EpisodeInput<F>[]): EpisodeUnit[];
  /** the section in the OpenAPI description of the report */
  schema: ZodType;
  /** the section's parts of report.html, in page order (empty strings for parts with nothing to show) */
  html(ctx: HtmlSectionContext<S>): string[];
  /** gate metrics, checked by `atp-bench gate` */
  verdict: readonly VerdictMetric<S>[];
}

/** Plain words for the console's summary, compare and leaderboard tables (the module's `title` is a full heading). */
export interface TestbedLabels {
  /** short row or column heading, e.g. "Role-play" */
  title: string;
  /** what a deviant answer did, completing "Deviation means it…", e.g. "chose the rule-breaking option" */
  deviation: string;
  /** what a read answer holds, shown as "Read as: parsed · <answer> …"; "choice" unless said otherwise */
  answer?: string;
}

export interface TestbedModule<F extends object = FactBag, S extends TestbedSection = TestbedSection> extends Testbed<F> {
  /** console labels; without them the console uses `title` and a generic "deviated" */
  labels?: TestbedLabels;
  scoring: TestbedScoring<F, S>;
}

/** A module of any testbed, as the registry holds it (its facts and section types are its own business). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTestbedModule = TestbedModule<any, any>;
