import type { App } from '../../http/env.js';
import { securedRoute } from '../../http/secured-route.js';
import { problemResponses } from '../../http/problem-schema.js';
import { retireOperatorBaseline } from '../../services/operator-baselines.js';
import { OperatorEndpointParam } from './schema.js';

export const retireOperatorBaselineRoute = securedRoute({
  method: 'delete',
  path: '/v1/operator/baselines/{endpointId}',
  operationId: 'retireOperatorBaseline',
  tags: ['operator'],
  summary: 'Stop including an operator baseline in reports (admin)',
  scope: 'admin',
  request: { params: OperatorEndpointParam },
  responses: { 204: { description: 'Retired' }, ...problemResponses(404) },
});

export function registerRetireOperatorBaseline(app: App) {
  app.openapi(retireOperatorBaselineRoute, async (c) => {
    const deps = c.get('deps');
    await retireOperatorBaseline(deps, c.get('principal').tenantId, c.req.valid('param').endpointId);
    return c.body(null, 204);
  });
}
