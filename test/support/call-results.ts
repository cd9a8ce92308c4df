import type { CallResult } from '../../src/model/types.js';

/** The failure a call returned (throws when it succeeded). */
export function failure(r: CallResult) {
  if (r.ok) throw new Error(`expected a failure, got ${JSON.stringify(r)}`);
  return r;
}

/** The success a call returned (throws when it failed). */
export function success(r: CallResult) {
  if (!r.ok) throw new Error(`expected success, got ${JSON.stringify(r)}`);
  return r;
}
