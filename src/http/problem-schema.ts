import { z } from '@hono/zod-openapi';
import { ERROR_CODES, type ErrorCode } from './errors.js';

export const FieldErrorSchema = z
  .object({
    path: z.string().openapi({ description: 'Where the problem is (e.g. `body.suite`).', example: 'body.suite' }),
    message: z.string().openapi({ description: 'What is wrong with it.', example: 'unknown suite "atp-foo-v1"' }),
  })
  .openapi('FieldError');

export const ProblemSchema = z
  .object({
    type: z.string().openapi({
      description: 'Stable URI identifying the problem type; branch on this.',
      example: 'https://atp-bench.dev/problems/validation-failed',
    }),
    title: z.string().openapi({ description: 'Short summary of the problem type.', example: 'Request validation failed' }),
    status: z.number().int().openapi({ description: 'HTTP status code.', example: 400 }),
    detail: z.string().openapi({ description: 'Explanation of this occurrence.', example: 'body.seed: expected a number' }),
    instance: z.string().optional().openapi({ description: 'Request path.', example: '/v1/runs' }),
    requestId: z.string().optional().openapi({ description: 'Request id, also in the `x-request-id` header.', example: 'req_5m1x0c2t' }),
    errors: z.array(FieldErrorSchema).optional().openapi({ description: 'Field errors (validation problems only).' }),
  })
  .passthrough()
  .openapi('Problem', { description: 'RFC 9457 problem details.' });

const problemContent = { 'application/problem+json': { schema: ProblemSchema } };

const DESCRIPTIONS: Partial<Record<number, string>> = {
  400: 'Invalid request (validation failed or malformed JSON).',
  401: 'Missing, malformed, expired or tampered bearer token.',
  403: 'The token lacks the required scope.',
  404: 'No such resource (or it belongs to another tenant).',
  409: 'Conflict with the current state.',
  413: 'Request body larger than 1 MB.',
  415: 'Content-Type must be application/json.',
  422: 'Well-formed but refused.',
  429: 'Rate limit or concurrency cap reached; see Retry-After.',
  500: 'Unexpected error (no internals disclosed).',
  503: 'A dependency (the database) is unavailable.',
  507: 'The tenant\'s storage quota is used up (`limit`, `max`, `used` say which and how much).',
};

/** Documented problem responses for a route, by status. */
// a 429 says when to come back; generated clients read the header, so it is part of the contract
const RETRY_AFTER = {
  'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer' as const, minimum: 0, example: 30 } },
};

export function problemResponses(...statuses: number[]) {
  const out: Record<number, { description: string; content: typeof problemContent; headers?: typeof RETRY_AFTER }> = {};
  for (const s of [...statuses, 500]) {
    out[s] = { description: DESCRIPTIONS[s] ?? 'Problem', content: problemContent, ...(s === 429 ? { headers: RETRY_AFTER } : {}) };
  }
  return out;
}

/** The usual set for authenticated routes. */
export const authProblems = [400, 401, 403, 404] as const;

export function statusOf(code: ErrorCode): number {
  return ERROR_CODES[code].status;
}
