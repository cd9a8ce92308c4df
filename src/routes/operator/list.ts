import type { App } from '../../http/env.js';
import { publicRoute } from '../../http/secured-route.js';
import { problemResponses } from '../../http/problem-schema.js';
import { listOperatorBaselines } from '../../services/operator-baselines.js';
import { OperatorBaselineListSchema } from './schema.js';

export const listOperatorBaselinesRoute = publicRoute({
  method: 'get',
  path: '/v1/operator/baselines',
  operationId: 'listOperatorBaselines',
  tags: ['operator'],
  summary: 'Operator baselines and the state of their cached results (public)',
  responses: {
    200: { description: 'Operator baselines', content: { 'application/json': { schema: OperatorBaselineListSchema } } },
    ...problemResponses(),
  },
});

export function registerListOperatorBaselines(app: App) {
  app.openapi(listOperatorBaselinesRoute, async (c) => c.json({ items: await listOperatorBaselines(c.get('deps')) }, 200));
}
