import { z } from '@hono/zod-openapi';
import type { App } from '../../http/env.js';
import { securedRoute } from '../../http/secured-route.js';
import { problemResponses } from '../../http/problem-schema.js';
import { rescoreRun } from '../../services/reports.js';
import { ReportSchema } from './report-schema.js';
import { RunIdParam } from './schema.js';

export type RescoreResponse = z.infer<typeof ReportSchema>;

export const rescoreRoute = securedRoute({
  method: 'post',
  path: '/v1/runs/{id}/rescore',
  operationId: 'rescoreRun',
  tags: ['runs'],
  summary: 'Recompute the report from stored calls with the current reader and scorers',
  description: 'Calls no model. Returns the new report; it is identical to the old one when nothing changed.',
  scope: 'runs:write',
  request: { params: RunIdParam },
  responses: {
    200: { description: 'The recomputed report', content: { 'application/json': { schema: ReportSchema } } },
    ...problemResponses(404, 409),
  },
});

export function registerRescore(app: App) {
  app.openapi(rescoreRoute, async (c) => {
    const deps = c.get('deps');
    const body = await rescoreRun(deps, c.get('principal').tenantId, c.req.valid('param').id);
    return c.body(body, 200, { 'content-type': 'application/json; charset=utf-8' }) as never;
  });
}
