// Helpers for rebuilding episodes from persisted calls.
import type { CallRecord, Parse } from './types.js';

export type CallIndex = Map<string, CallRecord>;

export function callKey(round: number, agent: number, step: number): string {
  return `${round}/${agent}/${step}`;
}

/** (round, agent, step) → record; if a call was somehow persisted twice the later record wins */
export function indexCalls(history: readonly CallRecord[]): CallIndex {
  const index: CallIndex = new Map();
  for (const call of history) index.set(callKey(call.round, call.agent, call.step), call);
  return index;
}

export const ERROR_PARSE: Parse = { choice: null, status: 'error', role: null };

/** the parse of a call, with transport failures (response null) as `error` decisions */
export function parseOrError(call: CallRecord, read: (response: NonNullable<CallRecord['response']>) => Parse): Parse {
  return call.response === null ? { ...ERROR_PARSE } : read(call.response);
}
