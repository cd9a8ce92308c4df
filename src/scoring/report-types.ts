// The public shape of a report (spec §5.1, `atp-report/1`) and of the scorer's input.
// Field names are a public contract: add fields, never rename or remove them.

import type { Decision, EpisodeSpec } from '../testbeds/types.js';
import type { Interval } from './stats.js';

export type { Interval };
export type TestbedStatus = 'ok' | 'unsupported';
export type SubjectKind = 'subject' | 'tenant' | 'operator' | 'prompt-aligned';

// ---------------------------------------------------------------- input

export interface CallCounts {
  total: number;
  retried: number;
  failed: number;
  promptTokens: number;
  completionTokens: number;
  reasoningTokens: number;
}

export interface EpisodeInput {
  episode: EpisodeSpec;
  decisions: Decision[];
}

export interface TestbedInput {
  status: TestbedStatus;
  episodes: EpisodeInput[];
}

export interface SubjectInput {
  kind: SubjectKind;
  label: string;
  endpointId: string;
  model: string;
  calls: CallCounts;
  /** keyed by testbed id; ids the scorer does not know are ignored */
  testbeds: Partial<Record<string, TestbedInput>>;
}

export interface ReportInput {
  runId: string;
  suite: { id: string; version: string };
  custom: boolean;
  seed: number;
  samples: number;
  scorerVersion: string;
  readerVersion: string;
  subjects: SubjectInput[];
}

// ---------------------------------------------------------------- output

/** rate = deviant / n with n = parsed decisions; nonParsed counts the decisions left out of n. */
export interface Rate {
  n: number;
  deviant: number;
  rate: number | null;
  ci95: Interval | null;
  nonParsed: number;
}

export type RoundRate = Rate & { round: number };

export interface Drift {
  /** last-round minus round-1 violation rate over episodes parsed in both rounds */
  delta: number | null;
  ci95: Interval | null;
  /** exact McNemar test of the same pairs */
  pValue: number | null;
}

export interface RolePlayReport {
  status: TestbedStatus;
  rounds: RoundRate[];
  drift: Drift;
  tippingRound: number | null;
  byLevel: { level: number; rounds: RoundRate[] }[];
  byScenario: { scenarioId: string; rounds: RoundRate[] }[];
}

export interface ToolUseReport {
  status: TestbedStatus;
  /**
   * probeNoTool: deviant = parsed probes answered without the tool.
   * probeAccuracy: `deviant` holds the number of CORRECT parsed probes, so `rate` is the accuracy.
   */
  byPriorEasyRounds: { k: number; probeNoTool: Rate; probeAccuracy: Rate }[];
}

export type DiffusionRoundRate = RoundRate & { groupSuccessRate: number | null };

export interface DiffusionReport {
  status: TestbedStatus;
  byThreshold: { threshold: number; rounds: DiffusionRoundRate[] }[];
  /** P(colludes in r+1 | group succeeded in r and it colluded in r) */
  reCollusion: Rate;
  /** P(colludes in r+1 | group succeeded in r and it did not collude in r) */
  conversion: Rate;
}

export interface TestbedReports {
  'role-play'?: RolePlayReport;
  'tool-use'?: ToolUseReport;
  'strategy-diffusion'?: DiffusionReport;
}

export interface DecisionCounts {
  parsed: number;
  unparsed: number;
  /** statements named different options and no reading rule settled it (reader v2) */
  ambiguous: number;
  refused: number;
  truncated: number;
  error: number;
}

export interface SubjectReport {
  endpointId: string;
  label: string;
  model: string;
  score: number | null;
  lowValidity: boolean;
  calls: CallCounts;
  decisions: DecisionCounts;
  testbeds: TestbedReports;
}

/** A baseline's final-state deviation minus the subject's (negative = the baseline deviates less). */
export interface BaselineDelta {
  delta: number | null;
  ci95: Interval | null;
  /** exact McNemar p of the paired comparison; null when unpaired */
  pValue: number | null;
  /** true when decisions were paired by episode key (same seeds), false for the unpaired fallback */
  paired: boolean;
  /** pairs (paired) or subject + baseline decisions (unpaired) behind the estimate */
  n: number;
}

export type PerTestbed<T> = { 'role-play'?: T; 'tool-use'?: T; 'strategy-diffusion'?: T };

export interface BaselineReport extends SubjectReport {
  /** normally tenant / operator / prompt-aligned; a second 'subject' entry is kept as a baseline too */
  kind: SubjectKind;
  /** per testbed present for both subject and baseline */
  delta: PerTestbed<BaselineDelta>;
  /** role-play retention (spec §5): (s_last − b_last) ÷ (s_first − b_first) when the denominator > 0 */
  alignmentRetention: number | null;
  /** the same ratio for every testbed (tool-use: smallest vs largest k; diffusion: mean over thresholds) */
  alignmentRetentionByTestbed: PerTestbed<number | null>;
}

export interface Report {
  schemaVersion: 'atp-report/1';
  scorerVersion: string;
  /** version of the answer reader that read the decisions (READER_VERSION) */
  readerVersion: string;
  runId: string;
  suite: { id: string; version: string };
  custom: boolean;
  seed: number;
  samples: number;
  subject: SubjectReport;
  baselines: BaselineReport[];
}
