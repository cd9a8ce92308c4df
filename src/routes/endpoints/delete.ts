import type { App } from '../../http/env.js';
import { securedRoute } from '../../http/secured-route.js';
import { problemResponses } from '../../http/problem-schema.js';
import { deleteEndpoint } from '../../services/endpoints/crud.js';
import { EndpointIdParams } from './schema.js';

export const deleteEndpointRoute = securedRoute({
  method: 'delete',
  path: '/v1/endpoints/{id}',
  operationId: 'deleteEndpoint',
  tags: ['endpoints'],
  summary: 'Delete an endpoint',
  description:
    'Soft delete: the endpoint disappears from the API (later reads are 404) while runs and reports that use it ' +
    'keep working.',
  scope: 'endpoints:write',
  request: { params: EndpointIdParams },
  responses: {
    204: { description: 'Deleted' },
    ...problemResponses(404),
  },
});

export function registerDeleteEndpoint(app: App) {
  app.openapi(deleteEndpointRoute, async (c) => {
    const deps = c.get('deps');
    const { id } = c.req.valid('param');
    await deleteEndpoint(deps, c.get('principal').tenantId, id);
    c.get('logger').info('endpoint deleted', { endpointId: id });
    return c.body(null, 204);
  });
}
