import { z } from '@hono/zod-openapi';
import type { App } from '../../http/env.js';
import { securedRoute } from '../../http/secured-route.js';
import { problemResponses } from '../../http/problem-schema.js';
import { listRuns } from '../../services/run-views.js';
import { ListRunsQuery, RunListSchema } from './schema.js';

export type ListRunsResponse = z.infer<typeof RunListSchema>;

export const listRunsRoute = securedRoute({
  method: 'get',
  path: '/v1/runs',
  operationId: 'listRuns',
  tags: ['runs'],
  summary: 'List your runs (newest first, cursor-paged)',
  scope: 'runs:read',
  request: { query: ListRunsQuery },
  responses: {
    200: { description: 'A page of runs', content: { 'application/json': { schema: RunListSchema } } },
    ...problemResponses(400),
  },
});

export function registerListRuns(app: App) {
  app.openapi(listRunsRoute, async (c) => {
    const deps = c.get('deps');
    const { suite, ...q } = c.req.valid('query');
    return c.json(await listRuns(deps, c.get('principal').tenantId, { ...q, suiteId: suite }), 200);
  });
}
