import { createRoute } from '@hono/zod-openapi';
import type { App } from '../../http/env.js';
import type { Deps } from '../../deps.js';
import { requireAuth } from '../../http/middleware.js';
import { problemResponses } from '../../http/problem-schema.js';
import { getEndpoint } from '../../services/endpoints/crud.js';
import { EndpointIdParams, EndpointSchema } from './schema.js';

export function getEndpointRoute(deps: Deps) {
  return createRoute({
    method: 'get',
    path: '/v1/endpoints/{id}',
    operationId: 'getEndpoint',
    tags: ['endpoints'],
    summary: 'Get one endpoint',
    description: 'Secrets are never returned: `hasApiKey` and `headerNames` say what is stored.',
    security: [{ bearerAuth: [] }],
    middleware: [requireAuth(deps, 'endpoints:read')] as const,
    request: { params: EndpointIdParams },
    responses: {
      200: { description: 'The endpoint', content: { 'application/json': { schema: EndpointSchema } } },
      ...problemResponses(401, 403, 404),
    },
  });
}

export function registerGetEndpoint(app: App, deps: Deps) {
  app.openapi(getEndpointRoute(deps), async (c) => {
    return c.json(await getEndpoint(deps, c.get('principal').tenantId, c.req.valid('param').id), 200);
  });
}
