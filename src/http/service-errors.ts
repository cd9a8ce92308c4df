import { ServiceError, type ServiceErrorKind } from '../lib/errors.js';
import { ApiError, type ErrorCode, type FieldError } from './errors.js';

const CODES: Record<ServiceErrorKind, ErrorCode> = {
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  not_found: 'not_found',
  invalid: 'validation_failed',
  idempotency_conflict: 'idempotency_conflict',
  run_not_finished: 'run_not_finished',
  run_has_no_report: 'run_has_no_report',
  endpoint_in_use: 'endpoint_in_use',
  not_eligible: 'not_eligible',
  rate_limited: 'rate_limited',
  run_too_large: 'run_too_large',
  storage_quota_exceeded: 'storage_quota_exceeded',
  endpoint_refused: 'endpoint_refused',
  endpoint_error: 'endpoint_error',
  internal: 'internal',
};

/**
 * A service error as the API problem it means. A service's input is the request body for methods that carry one
 * and the query string otherwise, so a field `suite` of a GET is reported at `query.suite`.
 */
export function toApiError(err: ServiceError, method: string): ApiError {
  const where = method === 'GET' || method === 'HEAD' || method === 'DELETE' ? 'query' : 'body';
  const { fields, retryAfterSeconds, ...extras } = err.info;
  const errors: FieldError[] | undefined = fields?.map((f) => ({ path: f.field ? `${where}.${f.field}` : where, message: f.message }));
  const detail = err.message || errors?.map((e) => `${e.path}: ${e.message}`).join('; ') || undefined;
  return new ApiError(CODES[err.kind], detail, {
    ...extras,
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds, headers: { 'retry-after': String(retryAfterSeconds) } } : {}),
    ...(errors ? { errors } : {}),
  });
}
