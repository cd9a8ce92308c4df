import { createRoute, z } from '@hono/zod-openapi';
import type { App } from '../../http/env.js';
import type { Deps } from '../../deps.js';
import { requireAuth } from '../../http/middleware.js';
import { problemResponses } from '../../http/problem-schema.js';
import { listRuns } from '../../services/run-views.js';
import { ListRunsQuery, RunListSchema } from './schema.js';

export type ListRunsResponse = z.infer<typeof RunListSchema>;

export function listRunsRoute(deps: Deps) {
  return createRoute({
    method: 'get',
    path: '/v1/runs',
    operationId: 'listRuns',
    tags: ['runs'],
    summary: 'List your runs (newest first, cursor-paged)',
    security: [{ bearerAuth: [] }],
    middleware: [requireAuth(deps, 'runs:read')] as const,
    request: { query: ListRunsQuery },
    responses: {
      200: { description: 'A page of runs', content: { 'application/json': { schema: RunListSchema } } },
      ...problemResponses(400, 401, 403),
    },
  });
}

export function registerListRuns(app: App, deps: Deps) {
  app.openapi(listRunsRoute(deps), async (c) => {
    return c.json(await listRuns(deps, c.get('principal').tenantId, c.req.valid('query')), 200);
  });
}
