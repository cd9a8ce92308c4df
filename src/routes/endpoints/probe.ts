import type { App } from '../../http/env.js';
import { securedRoute } from '../../http/secured-route.js';
import { problemResponses } from '../../http/problem-schema.js';
import { probeEndpoint } from '../../services/endpoints/probe.js';
import { EndpointIdParams, EndpointProbeResultSchema } from './schema.js';

export const probeEndpointRoute = securedRoute({
  method: 'post',
  path: '/v1/endpoints/{id}/probe',
  operationId: 'probeEndpoint',
  tags: ['endpoints'],
  summary: 'Check that an endpoint answers',
  description:
    'Sends one tiny chat completion (latency, the model name the server reports, whether it returns reasoning), ' +
    'then one with a trivial `echo` tool to learn whether `tools` are accepted. When the first call fails the ' +
    'answer is a 422 `endpoint-error` problem whose `detail` says why (credentials refused, unreachable, timeout, ' +
    'not an OpenAI-compatible answer) and whose `endpointStatus` is the HTTP status the endpoint answered (or null).',
  scope: 'endpoints:write',
  request: { params: EndpointIdParams },
  responses: {
    200: { description: 'The endpoint answered', content: { 'application/json': { schema: EndpointProbeResultSchema } } },
    ...problemResponses(404, 422),
  },
});

export function registerProbeEndpoint(app: App) {
  app.openapi(probeEndpointRoute, async (c) => {
    const deps = c.get('deps');
    const { id } = c.req.valid('param');
    const result = await probeEndpoint(deps, c.get('principal').tenantId, id, {
      signal: c.req.raw.signal,
      logger: c.get('logger'),
    });
    return c.json(result, 200);
  });
}
