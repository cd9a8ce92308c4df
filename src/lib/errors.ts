/**
 * Errors the domain and service layers throw. They know nothing of HTTP: `app.ts` maps each kind to its problem
 * type in one place (`http/service-errors.ts`), so a service never names a status code or a request path.
 */
export type ServiceErrorKind =
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'invalid'
  | 'idempotency_conflict'
  | 'run_not_finished'
  /** a failed run that ended before it could be scored: it has no report, and never will */
  | 'run_has_no_report'
  /** what is asked would change a run that is still going (an endpoint's model, URL or params mid-run) */
  | 'endpoint_in_use'
  | 'not_eligible'
  | 'rate_limited'
  | 'run_too_large'
  /** a per-tenant storage quota is used up */
  | 'storage_quota_exceeded'
  | 'endpoint_refused'
  | 'endpoint_error'
  | 'internal';

/** A field of the operation's input that is wrong; `field` is its dotted path inside the input ('' = the whole input). */
export interface InvalidField {
  field: string;
  message: string;
}

export interface ServiceErrorInfo {
  fields?: InvalidField[];
  /** how long the caller should wait before trying again */
  retryAfterSeconds?: number;
  /** further machine-readable members for the caller (e.g. `reason`, `runStatus`) */
  [extra: string]: unknown;
}

export class ServiceError extends Error {
  constructor(
    readonly kind: ServiceErrorKind,
    /** when omitted, the fields make the message */
    detail?: string,
    readonly info: ServiceErrorInfo = {},
  ) {
    super(detail ?? '');
  }
}

/** An error the caller can fix (every kind but `internal`): a page may show it in place rather than fail. */
export const isCallerMistake = (err: unknown): err is ServiceError => err instanceof ServiceError && err.kind !== 'internal';

export const notFound = (what: string) => new ServiceError('not_found', `${what} not found`);

/** One or more invalid input fields; the message is built from them where the caller sees the request. */
export const invalidInput = (fields: InvalidField[], detail?: string) => new ServiceError('invalid', detail, { fields });
