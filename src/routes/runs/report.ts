import { createRoute, z } from '@hono/zod-openapi';
import type { App } from '../../http/env.js';
import type { Deps } from '../../deps.js';
import { requireAuth } from '../../http/middleware.js';
import { problemResponses } from '../../http/problem-schema.js';
import { loadServedReport } from '../../services/reports.js';
import { sendWithEtag } from '../../http/etag.js';
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
      200: {
        description: 'The report, with a strong `ETag` (the report of a finished run only changes on rescore)',
        content: { 'application/json': { schema: ReportSchema } },
      },
      304: { description: 'Not modified: `If-None-Match` names the current ETag' },
      ...problemResponses(401, 403, 404, 409),
    },
  });
}

export function registerGetReport(app: App, deps: Deps) {
  app.openapi(getReportRoute(deps), async (c) => {
    // stored bytes as they are: the same report always reads back byte-identical
    return sendWithEtag(c, await loadServedReport(deps, c.get('principal').tenantId, c.req.valid('param').id)) as never;
  });
}
