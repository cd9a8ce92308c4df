import type { App } from '../../http/env.js';
import { securedRoute } from '../../http/secured-route.js';
import { problemResponses } from '../../http/problem-schema.js';
import { listEndpoints } from '../../services/endpoints/crud.js';
import { EndpointListSchema, ListEndpointsQuery } from './schema.js';

export const listEndpointsRoute = securedRoute({
  method: 'get',
  path: '/v1/endpoints',
  operationId: 'listEndpoints',
  tags: ['endpoints'],
  summary: 'List your endpoints',
  description: 'Newest first, cursor-paged. Deleted endpoints are not listed.',
  scope: 'endpoints:read',
  request: { query: ListEndpointsQuery },
  responses: {
    200: { description: 'One page of endpoints', content: { 'application/json': { schema: EndpointListSchema } } },
    ...problemResponses(400),
  },
});

export function registerListEndpoints(app: App) {
  app.openapi(listEndpointsRoute, async (c) => {
    const deps = c.get('deps');
    const { limit, cursor } = c.req.valid('query');
    return c.json(await listEndpoints(deps, c.get('principal').tenantId, { limit, cursor }), 200);
  });
}
