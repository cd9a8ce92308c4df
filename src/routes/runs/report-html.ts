import { z } from '@hono/zod-openapi';
import type { App } from '../../http/env.js';
import { securedRoute } from '../../http/secured-route.js';
import { problemResponses } from '../../http/problem-schema.js';
import { loadStoredReport } from '../../services/reports.js';
import { renderReportHtml } from '../../scoring/html.js';
import type { Report } from '../../scoring/report-types.js';
import { RunIdParam } from './schema.js';

export const reportHtmlRoute = securedRoute({
  method: 'get',
  path: '/v1/runs/{id}/report.html',
  operationId: 'getRunReportHtml',
  tags: ['runs'],
  summary: 'The report as one self-contained HTML page with charts',
  scope: 'runs:read',
  request: { params: RunIdParam },
  responses: {
    200: { description: 'HTML page (inline SVG, no external resources)', content: { 'text/html': { schema: z.string() } } },
    ...problemResponses(404, 409),
  },
});

export function registerReportHtml(app: App) {
  app.openapi(reportHtmlRoute, async (c) => {
    const deps = c.get('deps');
    const stored = await loadStoredReport(deps, c.get('principal').tenantId, c.req.valid('param').id);
    const report = JSON.parse(stored.body) as Report;
    const html = renderReportHtml(report, { createdAt: stored.createdAt.toISOString(), endpointName: report.subject.label }, deps.testbeds);
    return c.body(html, 200, {
      'content-type': 'text/html; charset=utf-8',
      // the page needs nothing from anywhere: forbid everything but its own inline styles
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
    }) as never;
  });
}
