import { createRoute } from '@hono/zod-openapi';
import type { App } from '../../http/env.js';
import type { Deps } from '../../deps.js';
import { requireAuth } from '../../http/middleware.js';
import { problemResponses } from '../../http/problem-schema.js';
import { retireOperatorBaseline } from '../../services/operator-baselines.js';
import { OperatorEndpointParam } from './schema.js';

export function retireOperatorBaselineRoute(deps: Deps) {
  return createRoute({
    method: 'delete',
    path: '/v1/operator/baselines/{endpointId}',
    operationId: 'retireOperatorBaseline',
    tags: ['operator'],
    summary: 'Stop including an operator baseline in reports (admin)',
    security: [{ bearerAuth: [] }],
    middleware: [requireAuth(deps, 'admin')] as const,
    request: { params: OperatorEndpointParam },
    responses: { 204: { description: 'Retired' }, ...problemResponses(401, 403, 404) },
  });
}

export function registerRetireOperatorBaseline(app: App, deps: Deps) {
  app.openapi(retireOperatorBaselineRoute(deps), async (c) => {
    await retireOperatorBaseline(deps, c.get('principal').tenantId, c.req.valid('param').endpointId);
    return c.body(null, 204);
  });
}
