// The public shape of a report (spec §5.1, `atp-report/1`) and of the scorer's input.
// Field names are a public contract: add fields, never rename or remove them.

import type { RolePlayReport } from '../testbeds/role-play/report-schema.js';
import type { DiffusionReport } from '../testbeds/strategy-diffusion/report-schema.js';
import type { ToolUseReport } from '../testbeds/tool-use/report-schema.js';
import type { EpisodeInput, Interval, TestbedSection, TestbedStatus } from './report-base.js';

export type * from './report-base.js';
export type { RolePlayReport, Drift } from '../testbeds/role-play/report-schema.js';
export type { ToolUseReport } from '../testbeds/tool-use/report-schema.js';
export type { DiffusionReport, DiffusionRoundRate } from '../testbeds/strategy-diffusion/report-schema.js';
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
  /** keyed by testbed id; an id the registry does not know is an error */
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
/**
 * Per-testbed sections keyed by testbed id, in registry order. The built-ins are typed by name; a registered
 * testbed that is not built in has a section of its own shape (at least `status`).
 */
export interface TestbedReports {
  'role-play'?: RolePlayReport;
  'tool-use'?: ToolUseReport;
  'strategy-diffusion'?: DiffusionReport;
  /** a registered testbed's section: `status` and fields of its own */
  [testbedId: string]: (TestbedSection & { [field: string]: unknown }) | undefined;
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

/** One value per testbed id (built-in or registered). */
export type PerTestbed<T> = Partial<Record<string, T>>;

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
