import { z } from '@hono/zod-openapi';
import type { App } from '../../http/env.js';
import { ApiError } from '../../http/errors.js';
import { securedRoute } from '../../http/secured-route.js';
import { problemResponses } from '../../http/problem-schema.js';
import { createRun } from '../../services/runs.js';
import { getRunView } from '../../services/run-views.js';
import { CreateRunBody, RunSchema } from './schema.js';

export type CreateRunRequest = z.infer<typeof CreateRunBody>;
export type CreateRunResponse = z.infer<typeof RunSchema>;

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

export const createRunRoute = securedRoute({
  method: 'post',
  path: '/v1/runs',
  operationId: 'createRun',
  tags: ['runs'],
  summary: 'Start a run of a suite against an endpoint (and its baselines)',
  description:
    'Validates everything, then writes the whole run (subjects, episodes, jobs) and answers 202; workers start it ' +
    'once all of it is stored. A run above the operator\'s size limits (episodes or nominal model calls per run) is ' +
    '422 `run-too-large`, with `limit` (`episodes_per_run` or `calls_per_run`) and `max`. ' +
    'With `Idempotency-Key`, the same key and body return the same run; a different body is 409.',
  scope: 'runs:write',
  request: {
    headers: z.object({
      'idempotency-key': z.string().optional().openapi({ description: 'Makes retries of this request safe (1–255 visible ASCII characters).', example: 'ci-4711-attempt' }),
    }),
    body: { required: true, content: { 'application/json': { schema: CreateRunBody } } },
  },
  responses: {
    202: {
      description: 'Accepted: the run is queued (or, for a repeated Idempotency-Key, the existing run).',
      headers: z.object({ Location: z.string().openapi({ description: 'URL of the run.', example: '/v1/runs/run_8f3k2m9x0c3v7b1n5q8w6e2r' }) }),
      content: { 'application/json': { schema: RunSchema } },
    },
    ...problemResponses(400, 404, 409, 413, 415, 422, 429, 507),
  },
});

export function registerCreateRun(app: App) {
  app.openapi(createRunRoute, async (c) => {
    const deps = c.get('deps');
    const principal = c.get('principal');
    const key = c.req.header('idempotency-key');
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
      throw new ApiError('validation_failed', 'Idempotency-Key must be 1–255 visible ASCII characters', {
        errors: [{ path: 'header.idempotency-key', message: 'must be 1–255 visible ASCII characters' }],
      });
    }
    const { runId, created } = await createRun(deps, principal.tenantId, c.req.valid('json'), key);
    c.get('logger').info(created ? 'run created' : 'run replayed (Idempotency-Key)', { runId });
    const view = await getRunView(deps, principal.tenantId, runId);
    c.header('Location', `/v1/runs/${runId}`);
    return c.json(view, 202);
  });
}
