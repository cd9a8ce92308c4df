import { createRoute } from '@hono/zod-openapi';
import type { App } from '../../http/env.js';
import type { Deps } from '../../deps.js';
import { requireAuth } from '../../http/middleware.js';
import { problemResponses } from '../../http/problem-schema.js';
import { registerOperatorBaseline } from '../../services/operator-baselines.js';
import { OperatorBaselineSchema, RegisterOperatorBaselineBody } from './schema.js';

export function registerOperatorBaselineRoute(deps: Deps) {
  return createRoute({
    method: 'post',
    path: '/v1/operator/baselines',
    operationId: 'registerOperatorBaseline',
    tags: ['operator'],
    summary: 'Make an endpoint an operator baseline (admin)',
    description: 'Runs every current suite against it once per suite version; the results join every report of that suite as `kind: "operator"`.',
    security: [{ bearerAuth: [] }],
    middleware: [requireAuth(deps, 'admin')] as const,
    request: { body: { required: true, content: { 'application/json': { schema: RegisterOperatorBaselineBody } } } },
    responses: {
      202: { description: 'Registered; its runs are queued', content: { 'application/json': { schema: OperatorBaselineSchema } } },
      ...problemResponses(400, 401, 403, 404, 413, 415),
    },
  });
}

export function registerRegisterOperatorBaseline(app: App, deps: Deps) {
  app.openapi(registerOperatorBaselineRoute(deps), async (c) => {
    const view = await registerOperatorBaseline(deps, c.get('principal').tenantId, c.req.valid('json').endpointId);
    return c.json(view, 202);
  });
}
