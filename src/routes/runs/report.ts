import { z } from '@hono/zod-openapi';
import type { App } from '../../http/env.js';
import { securedRoute } from '../../http/secured-route.js';
import { problemResponses } from '../../http/problem-schema.js';
import { loadServedReport } from '../../services/reports.js';
import { sendWithEtag } from '../../http/etag.js';
import { ConditionalHeaders, etagHeaders, notModifiedResponse } from '../../http/cache-schema.js';
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
  request: { params: RunIdParam, headers: ConditionalHeaders },
  responses: {
    200: {
      description: 'The report, with a strong `ETag` (the report of a finished run only changes on rescore)',
      headers: etagHeaders,
      content: { 'application/json': { schema: ReportSchema } },
    },
    304: notModifiedResponse,
    ...problemResponses(404, 409),
  },
});

export function registerGetReport(app: App) {
  app.openapi(getReportRoute, async (c) => {
    const deps = c.get('deps');
    // stored bytes as they are: the same report always reads back byte-identical
    return sendWithEtag(c, await loadServedReport(deps, c.get('principal').tenantId, c.req.valid('param').id)) as never;
  });
}
