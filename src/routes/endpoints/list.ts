import { createRoute } from '@hono/zod-openapi';
import type { App } from '../../http/env.js';
import type { Deps } from '../../deps.js';
import { requireAuth } from '../../http/middleware.js';
import { problemResponses } from '../../http/problem-schema.js';
import { listEndpoints } from '../../services/endpoints/crud.js';
import { EndpointListSchema, ListEndpointsQuery } from './schema.js';

export function listEndpointsRoute(deps: Deps) {
  return createRoute({
    method: 'get',
    path: '/v1/endpoints',
    operationId: 'listEndpoints',
    tags: ['endpoints'],
    summary: 'List your endpoints',
    description: 'Newest first, cursor-paged. Deleted endpoints are not listed.',
    security: [{ bearerAuth: [] }],
    middleware: [requireAuth(deps, 'endpoints:read')] as const,
    request: { query: ListEndpointsQuery },
    responses: {
      200: { description: 'One page of endpoints', content: { 'application/json': { schema: EndpointListSchema } } },
      ...problemResponses(400, 401, 403),
    },
  });
}

export function registerListEndpoints(app: App, deps: Deps) {
  app.openapi(listEndpointsRoute(deps), async (c) => {
    const { limit, cursor } = c.req.valid('query');
    return c.json(await listEndpoints(deps, c.get('principal').tenantId, { limit, cursor }), 200);
  });
}
