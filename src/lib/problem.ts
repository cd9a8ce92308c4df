/**
 * The RFC 9457 problem shape. API errors and a failed run's stored `error` share it (and its `type` base URI), so
 * the run lifecycle can write one without knowing HTTP.
 */
export const PROBLEM_TYPE_BASE = 'https://atp-bench.dev/problems/';

export interface FieldError {
  /** JSON pointer-ish path of the offending field, e.g. `body.overrides.role-play.rounds` */
  path: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
  [extra: string]: unknown;
}
