import { createRoute, z } from '@hono/zod-openapi';
import type { App } from '../../http/env.js';
import type { Deps } from '../../deps.js';
import { requireAuth } from '../../http/middleware.js';
import { problemResponses } from '../../http/problem-schema.js';
import { loadStoredReport } from '../../services/reports.js';
import { ReportSchema } from './report-schema.js';
import { RunIdParam } from './schema.js';

export type GetReportResponse = z.infer<typeof ReportSchema>;

export function getReportRoute(deps: Deps) {
  return createRoute({
    method: 'get',
    path: '/v1/runs/{id}/report',
    operationId: 'getRunReport',
    tags: ['runs'],
    summary: 'The scored robustness report (atp-report/1)',
    description: 'Computed only from the persisted calls. 409 until the run has succeeded.',
    security: [{ bearerAuth: [] }],
    middleware: [requireAuth(deps, 'runs:read')] as const,
    request: { params: RunIdParam },
    responses: {
      200: { description: 'The report', content: { 'application/json': { schema: ReportSchema } } },
      ...problemResponses(401, 403, 404, 409),
    },
  });
}

export function registerGetReport(app: App, deps: Deps) {
  app.openapi(getReportRoute(deps), async (c) => {
    const stored = await loadStoredReport(deps, c.get('principal').tenantId, c.req.valid('param').id);
    // stored bytes as they are: the same report always reads back byte-identical
    return c.body(stored.body, 200, { 'content-type': 'application/json; charset=utf-8' }) as never;
  });
}
