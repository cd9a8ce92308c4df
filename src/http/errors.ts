import { PROBLEM_TYPE_BASE, type FieldError, type Problem } from '../lib/problem.js';

/**
 * One error class with a closed set of codes. Every error the API returns is an RFC 9457 problem whose `type`
 * is a stable URI derived from the code, so clients can branch on it.
 */
export const ERROR_CODES = {
  validation_failed: { status: 400, title: 'Request validation failed' },
  malformed_json: { status: 400, title: 'Malformed JSON body' },
  unexpected_body: { status: 400, title: 'This operation takes no request body' },
  bad_request: { status: 400, title: 'Bad request' },
  unauthorized: { status: 401, title: 'Authentication required' },
  forbidden: { status: 403, title: 'Missing scope' },
  not_found: { status: 404, title: 'Not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  conflict: { status: 409, title: 'Conflict' },
  idempotency_conflict: { status: 409, title: 'Idempotency key reused with a different request' },
  run_not_finished: { status: 409, title: 'Run not finished' },
  run_has_no_report: { status: 409, title: 'Run has no report' },
  endpoint_in_use: { status: 409, title: 'Endpoint in use by an active run' },
  payload_too_large: { status: 413, title: 'Request body too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  endpoint_refused: { status: 422, title: 'Endpoint URL refused' },
  endpoint_error: { status: 422, title: 'Endpoint call failed' },
  not_eligible: { status: 422, title: 'Not eligible' },
  run_too_large: { status: 422, title: 'Run too large' },
  rate_limited: { status: 429, title: 'Too many requests' },
  internal: { status: 500, title: 'Internal server error' },
  storage_quota_exceeded: { status: 507, title: 'Storage quota exceeded' },
  unavailable: { status: 503, title: 'Service unavailable' },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export { PROBLEM_TYPE_BASE, type FieldError, type Problem };

export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    detail?: string,
    readonly extras: { errors?: FieldError[]; headers?: Record<string, string>; [k: string]: unknown } = {},
  ) {
    super(detail ?? ERROR_CODES[code].title);
    this.status = ERROR_CODES[code].status;
  }

  toProblem(instance?: string, requestId?: string): Problem {
    const { headers: _headers, ...rest } = this.extras;
    return {
      type: PROBLEM_TYPE_BASE + this.code.replaceAll('_', '-'),
      title: ERROR_CODES[this.code].title,
      status: this.status,
      detail: this.message,
      ...(instance ? { instance } : {}),
      ...(requestId ? { requestId } : {}),
      ...rest,
    };
  }
}

