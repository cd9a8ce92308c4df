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
  summary: 'Dry-run a real call to an endpoint',
  description:
    'Sends exactly the requests a run sends (the endpoint params, the calculator tool schema, the same seed field): ' +
    'one plain chat completion, then one offering the calculator. The answer says whether a run can measure ' +
    '(`ready`), how the answer came back (`answer`: content, only in the reasoning, truncated by the budget), ' +
    'whether reasoning used up the budget, how tool calls come back (`toolUse`: structured, as text, refused) and ' +
    'what to change (`advice`). When the plain call fails the answer is a 422 `endpoint-error` problem whose ' +
    '`detail` carries the server’s own error text, whose `fix` names the endpoint field to change for known failure ' +
    'shapes, and whose `endpointStatus` is the HTTP status the endpoint answered (or null). Runs start with the same ' +
    'dry run (pre-flight).',
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
