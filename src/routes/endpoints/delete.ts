import { createRoute } from '@hono/zod-openapi';
import type { App } from '../../http/env.js';
import type { Deps } from '../../deps.js';
import { requireAuth } from '../../http/middleware.js';
import { problemResponses } from '../../http/problem-schema.js';
import { deleteEndpoint } from '../../services/endpoints/crud.js';
import { EndpointIdParams } from './schema.js';

export function deleteEndpointRoute(deps: Deps) {
  return createRoute({
    method: 'delete',
    path: '/v1/endpoints/{id}',
    operationId: 'deleteEndpoint',
    tags: ['endpoints'],
    summary: 'Delete an endpoint',
    description:
      'Soft delete: the endpoint disappears from the API (later reads are 404) while runs and reports that use it ' +
      'keep working.',
    security: [{ bearerAuth: [] }],
    middleware: [requireAuth(deps, 'endpoints:write')] as const,
    request: { params: EndpointIdParams },
    responses: {
      204: { description: 'Deleted' },
      ...problemResponses(401, 403, 404),
    },
  });
}

export function registerDeleteEndpoint(app: App, deps: Deps) {
  app.openapi(deleteEndpointRoute(deps), async (c) => {
    const { id } = c.req.valid('param');
    await deleteEndpoint(deps, c.get('principal').tenantId, id);
    c.get('logger').info('endpoint deleted', { endpointId: id });
    return c.body(null, 204);
  });
}
