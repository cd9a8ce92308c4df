import type { App } from '../../http/env.js';
import { securedRoute } from '../../http/secured-route.js';
import { problemResponses } from '../../http/problem-schema.js';
import { updateEndpoint } from '../../services/endpoints/crud.js';
import { EndpointIdParams, EndpointSchema, UpdateEndpointBody } from './schema.js';

export const updateEndpointRoute = securedRoute({
  method: 'patch',
  path: '/v1/endpoints/{id}',
  operationId: 'updateEndpoint',
  tags: ['endpoints'],
  summary: 'Change an endpoint',
  description:
    'Any subset of the creation fields. `apiKey: null` removes the key, `headers: null` the extra headers; ' +
    '`params` replaces the sampling parameters as a whole. A new `baseUrl` is checked against the network policy ' +
    'again. Running runs pick up a new key, headers, concurrency or timeout within seconds; the model itself (`baseUrl`, ' +
    '`model`, `params`) cannot change while a run calls the endpoint (409 `endpoint-in-use`, naming the runs).',
  scope: 'endpoints:write',
  request: {
    params: EndpointIdParams,
    body: { required: true, content: { 'application/json': { schema: UpdateEndpointBody } } },
  },
  responses: {
    200: { description: 'The updated endpoint', content: { 'application/json': { schema: EndpointSchema } } },
    ...problemResponses(400, 404, 409, 413, 415, 422),
  },
});

export function registerUpdateEndpoint(app: App) {
  app.openapi(updateEndpointRoute, async (c) => {
    const deps = c.get('deps');
    const { id } = c.req.valid('param');
    const endpoint = await updateEndpoint(deps, c.get('principal').tenantId, id, c.req.valid('json'));
    c.get('logger').info('endpoint updated', { endpointId: endpoint.id });
    return c.json(endpoint, 200);
  });
}
