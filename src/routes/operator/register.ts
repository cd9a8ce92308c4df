import type { App } from '../../http/env.js';
import { securedRoute } from '../../http/secured-route.js';
import { problemResponses } from '../../http/problem-schema.js';
import { registerOperatorBaseline } from '../../services/operator-baselines.js';
import { OperatorBaselineSchema, RegisterOperatorBaselineBody } from './schema.js';

export const registerOperatorBaselineRoute = securedRoute({
  method: 'post',
  path: '/v1/operator/baselines',
  operationId: 'registerOperatorBaseline',
  tags: ['operator'],
  summary: 'Make an endpoint an operator baseline (admin)',
  description: 'Runs every current suite against it once per suite version; the results join every report of that suite as `kind: "operator"`.',
  scope: 'admin',
  request: { body: { required: true, content: { 'application/json': { schema: RegisterOperatorBaselineBody } } } },
  responses: {
    202: { description: 'Registered; its runs are queued', content: { 'application/json': { schema: OperatorBaselineSchema } } },
    ...problemResponses(400, 404, 413, 415),
  },
});

export function registerRegisterOperatorBaseline(app: App) {
  app.openapi(registerOperatorBaselineRoute, async (c) => {
    const deps = c.get('deps');
    const view = await registerOperatorBaseline(deps, c.get('principal').tenantId, c.req.valid('json').endpointId);
    return c.json(view, 202);
  });
}
