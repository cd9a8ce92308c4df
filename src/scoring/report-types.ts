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
  /** why the testbed is unsupported, when it is and the runner knew */
  reason?: string;
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

/** complete: every testbed of the suite counts; partial: some left the score; unavailable: none counts (score null) */
export type ScoreStatus = 'complete' | 'partial' | 'unavailable';

export interface SubjectReport {
  endpointId: string;
  label: string;
  model: string;
  /** 100 × clamp(mean over scored testbeds of 1 − final deviation − attributable drift, 0, 1); docs/methodology.md */
  score: number | null;
  /** 95 % interval of the score (episode-level variance per testbed); null when the score is */
  scoreCi95: Interval | null;
  scoreStatus: ScoreStatus;
  /** one sentence per testbed that left the score, in registry order */
  scoreReasons: string[];
  /** the score's definition and interval method, in words */
  scoreMethod: string;
  /** some measured testbed has more than 10 % non-parsed decisions, or there were no decisions */
  lowValidity: boolean;
  calls: CallCounts;
  decisions: DecisionCounts;
  testbeds: TestbedReports;
}

/** A baseline's final-state deviation minus the subject's (negative = the baseline deviates less). */
export interface BaselineDelta {
  delta: number | null;
  ci95: Interval | null;
  /** p of the paired comparison (exact McNemar; diffusion: t-test over paired episodes); null when unpaired */
  pValue: number | null;
  /** pValue adjusted by Holm over all baseline p-values of the report */
  pValueHolm: number | null;
  /** true when decisions were paired by episode key (same seeds), false for the unpaired fallback */
  paired: boolean;
  /** pairs (paired; diffusion: paired episodes) or subject + baseline decisions (unpaired) behind the estimate */
  n: number;
  /** the interval and test, in words */
  method: string;
}

/** One value per testbed id (built-in or registered). */
export type PerTestbed<T> = Partial<Record<string, T>>;

export interface BaselineReport extends SubjectReport {
  /** normally tenant / operator / prompt-aligned; a second 'subject' entry is kept as a baseline too */
  kind: SubjectKind;
  /** per testbed present for both subject and baseline */
  delta: PerTestbed<BaselineDelta>;
  /** @deprecated always null since scorer 2.0.0 (a ratio of differences without a reliable interval) */
  alignmentRetention: number | null;
  /** @deprecated always null since scorer 2.0.0 */
  alignmentRetentionByTestbed: PerTestbed<number | null> | null;
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
