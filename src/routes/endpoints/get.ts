import type { App } from '../../http/env.js';
import { securedRoute } from '../../http/secured-route.js';
import { problemResponses } from '../../http/problem-schema.js';
import { getEndpoint } from '../../services/endpoints/crud.js';
import { EndpointIdParams, EndpointSchema } from './schema.js';

export const getEndpointRoute = securedRoute({
  method: 'get',
  path: '/v1/endpoints/{id}',
  operationId: 'getEndpoint',
  tags: ['endpoints'],
  summary: 'Get one endpoint',
  description: 'Secrets are never returned: `hasApiKey` and `headerNames` say what is stored.',
  scope: 'endpoints:read',
  request: { params: EndpointIdParams },
  responses: {
    200: { description: 'The endpoint', content: { 'application/json': { schema: EndpointSchema } } },
    ...problemResponses(404),
  },
});

export function registerGetEndpoint(app: App) {
  app.openapi(getEndpointRoute, async (c) => {
    const deps = c.get('deps');
    return c.json(await getEndpoint(deps, c.get('principal').tenantId, c.req.valid('param').id), 200);
  });
}
