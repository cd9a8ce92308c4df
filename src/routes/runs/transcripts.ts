import { createRoute, z } from '@hono/zod-openapi';
import type { App } from '../../http/env.js';
import type { Deps } from '../../deps.js';
import { requireAuth } from '../../http/middleware.js';
import { problemResponses } from '../../http/problem-schema.js';
import { listTranscripts } from '../../services/transcripts.js';
import { getOwnedRun } from '../../services/run-views.js';
import { RunIdParam, TranscriptPageSchema, TranscriptQuery } from './schema.js';


export function transcriptsRoute(deps: Deps) {
  return createRoute({
    method: 'get',
    path: '/v1/runs/{id}/transcripts',
    operationId: 'listRunTranscripts',
    tags: ['runs'],
    summary: 'Every persisted model call of a run (cursor-paged)',
    security: [{ bearerAuth: [] }],
    middleware: [requireAuth(deps, 'runs:read')] as const,
    request: { params: RunIdParam, query: TranscriptQuery },
    responses: {
      200: { description: 'A page of calls', content: { 'application/json': { schema: TranscriptPageSchema } } },
      ...problemResponses(400, 401, 403, 404),
    },
  });
}

export function registerTranscripts(app: App, deps: Deps) {
  app.openapi(transcriptsRoute(deps), async (c) => {
    const run = await getOwnedRun(deps, c.get('principal').tenantId, c.req.valid('param').id);
    return c.json(await listTranscripts(deps, run.id, c.req.valid('query')), 200);
  });
}
