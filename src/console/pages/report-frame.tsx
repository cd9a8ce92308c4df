import type { Context } from 'hono';
import type { Report } from '../../scoring/report-types.js';
import { renderReportHtml } from '../../scoring/html.js';
import type { Audience } from '../format.js';
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

/**
 * The renderer speaks to the run's owner ("Your model: …", "(your model)"). A public page (a share link, a leaderboard
 * entry) is read by others: there it names the model for what it is. Only the renderer's own fixed phrases are
 * rewritten, into words without markup or quotes, so escaped labels stay escaped wherever they stand.
 */
const PUBLIC_WORDS: [RegExp, string][] = [
  [/<p>Your model: <strong>/g, '<p>Evaluated model: <strong>'],
  [/\byour model\b/g, 'the evaluated model'],
  [/\byour variant\b/g, 'a variant from the same lab'],
];

export const forPublic = (page: string): string => PUBLIC_WORDS.reduce((s, [from, to]) => s.replace(from, to), page);

/** The renderer's HTML for a stored report, framable by console pages only; `download` makes it a file. */
export function reportHtmlResponse(c: Context<any>, stored: { body: string; createdAt: Date }, download: boolean, audience: Audience = 'owner'): Response {
  const report = JSON.parse(stored.body) as Report;
  const rendered = renderReportHtml(report, { createdAt: stored.createdAt.toISOString(), endpointName: report.subject.label });
  const page = audience === 'public' ? forPublic(rendered) : rendered;
  return c.body(page, 200, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': FRAMED_REPORT_CSP,
    ...(download ? { 'content-disposition': `attachment; filename="${report.runId}-report.html"` } : {}),
  });
}

/**
 * The stored report bytes as a JSON download. Never stored by a cache, like the pages beside it (pageHeaders marks
 * only HTML): a revoked or expired share link, a run taken off the board or a signed-out session must not keep
 * serving the report from a shared or browser cache.
 */
export function reportJsonResponse(c: Context<any>, stored: { body: string }, runId: string): Response {
  return c.body(stored.body, 200, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-disposition': `attachment; filename="${runId}-report.json"`,
  });
}
