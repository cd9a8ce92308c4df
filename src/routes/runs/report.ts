import { z } from '@hono/zod-openapi';
import type { App } from '../../http/env.js';
import { securedRoute } from '../../http/secured-route.js';
import { problemResponses } from '../../http/problem-schema.js';
import { loadStoredReport } from '../../services/reports.js';
import { ReportSchema } from './report-schema.js';
import { RunIdParam } from './schema.js';

export type GetReportResponse = z.infer<typeof ReportSchema>;

export const getReportRoute = securedRoute({
  method: 'get',
  path: '/v1/runs/{id}/report',
  operationId: 'getRunReport',
  tags: ['runs'],
  summary: 'The scored robustness report (atp-report/1)',
  description: 'Computed only from the persisted calls. 409 until the run has succeeded.',
  scope: 'runs:read',
  request: { params: RunIdParam },
  responses: {
    200: { description: 'The report', content: { 'application/json': { schema: ReportSchema } } },
    ...problemResponses(404, 409),
  },
});

export function registerGetReport(app: App) {
  app.openapi(getReportRoute, async (c) => {
    const deps = c.get('deps');
    const stored = await loadStoredReport(deps, c.get('principal').tenantId, c.req.valid('param').id);
    // stored bytes as they are: the same report always reads back byte-identical
    return c.body(stored.body, 200, { 'content-type': 'application/json; charset=utf-8' }) as never;
  });
}
