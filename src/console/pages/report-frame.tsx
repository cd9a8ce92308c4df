import type { Context } from 'hono';
import type { Report } from '../../scoring/report-types.js';
import { renderReportHtml } from '../../scoring/html.js';
import { FRAMED_REPORT_CSP } from '../security.js';

/** The full report as the report renderer draws it, framed (same origin); console.js sizes the frame to its content. */
export function ReportFrame({ src }: { src: string }) {
  return (
    <section class="report">
      <h2>Full report</h2>
      <iframe class="report-frame" src={src} title="Full report with charts"></iframe>
    </section>
  );
}

/** The renderer's HTML for a stored report, framable by console pages only; `download` makes it a file. */
export function reportHtmlResponse(c: Context<any>, stored: { body: string; createdAt: Date }, download: boolean): Response {
  const report = JSON.parse(stored.body) as Report;
  const page = renderReportHtml(report, { createdAt: stored.createdAt.toISOString(), endpointName: report.subject.label });
  return c.body(page, 200, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': FRAMED_REPORT_CSP,
    ...(download ? { 'content-disposition': `attachment; filename="${report.runId}-report.html"` } : {}),
  });
}

/** The stored report bytes as a JSON download. */
export function reportJsonResponse(c: Context<any>, stored: { body: string }, runId: string): Response {
  return c.body(stored.body, 200, {
    'content-type': 'application/json; charset=utf-8',
    'content-disposition': `attachment; filename="${runId}-report.json"`,
  });
}
