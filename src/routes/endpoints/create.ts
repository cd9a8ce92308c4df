import { z } from '@hono/zod-openapi';
import type { App } from '../../http/env.js';
import { securedRoute } from '../../http/secured-route.js';
import { problemResponses } from '../../http/problem-schema.js';
import { createEndpoint } from '../../services/endpoints/crud.js';
import { CreateEndpointBody, EndpointSchema } from './schema.js';

export const createEndpointRoute = securedRoute({
  method: 'post',
  path: '/v1/endpoints',
  operationId: 'createEndpoint',
  tags: ['endpoints'],
  summary: 'Register an endpoint (a model under test)',
  description:
    'Stores an OpenAI-compatible endpoint. `apiKey` and `headers` are write-only and stored encrypted. The URL is ' +
    'checked against the network policy: loopback, private, link-local and metadata addresses are refused (422 ' +
    '`endpoint-refused`) unless the operator allows private endpoints.',
  scope: 'endpoints:write',
  request: { body: { required: true, content: { 'application/json': { schema: CreateEndpointBody } } } },
  responses: {
    201: {
      description: 'Created',
      headers: z.object({
        Location: z.string().openapi({ description: 'URL of the new endpoint.', example: '/v1/endpoints/end_4k2m9x0c3v7b1n5q' }),
      }),
      content: { 'application/json': { schema: EndpointSchema } },
    },
    ...problemResponses(400, 413, 415, 422),
  },
});

export function registerCreateEndpoint(app: App) {
  app.openapi(createEndpointRoute, async (c) => {
    const deps = c.get('deps');
    const endpoint = await createEndpoint(deps, c.get('principal').tenantId, c.req.valid('json'));
    c.get('logger').info('endpoint created', { endpointId: endpoint.id });
    c.header('Location', `/v1/endpoints/${endpoint.id}`);
    return c.json(endpoint, 201);
  });
}
