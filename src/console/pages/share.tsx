import type { Hono } from 'hono';
import type { Deps } from '../../deps.js';
import type { Report } from '../../scoring/report-types.js';
import { openShare } from '../../services/shares.js';
import { headerOf } from '../csrf.js';
import type { ConsoleEnv } from '../env.js';
import { html } from '../layout.js';
import { PublicReport } from './public-report.js';
import { reportHtmlResponse, reportJsonResponse } from './report-frame.js';

/** `/share/{token}`: the report a share link opens, and nothing else (no session, no other run, no transcripts). */
export function registerSharePages(app: Hono<ConsoleEnv>, deps: Deps) {
  app.get('/share/:token', async (c) => {
    const token = c.req.param('token');
    const stored = await openShare(deps, token);
    const report = JSON.parse(stored.body) as Report;
    return html(c, <PublicReport registry={deps.testbeds} report={report} createdAt={stored.createdAt} base={`/share/${token}`} why="Shared read-only by its owner; the link may expire or be revoked." {...headerOf(c, deps)} />);
  });
  app.get('/share/:token/report.html', async (c) => reportHtmlResponse(c, await openShare(deps, c.req.param('token')), c.req.query('download') === '1', 'public'));
  app.get('/share/:token/report.json', async (c) => {
    const stored = await openShare(deps, c.req.param('token'));
    return reportJsonResponse(c, stored, stored.runId);
  });
}
