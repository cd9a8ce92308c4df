import { isTerminalStatus } from '../../lib/run-status.js';
import { pendingPause } from '../../lib/pause.js';
import type { Deps } from '../../deps.js';
import type { TestbedRegistry } from '../../testbeds/registry.js';
import type { Report } from '../../scoring/report-types.js';
import { loadStoredReport } from '../../services/reports.js';
import { runEventStream } from '../../http/run-event-stream.js';
import { getOwnedRun, getRunView, type RunView } from '../../services/run-views.js';
import { cancelRun } from '../../domain/run-lifecycle.js';
import { createShare, revokeShares, type CreatedShare } from '../../services/shares.js';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { ConsoleApp, ConsoleEnv } from '../env.js';
import { CSRF_FIELD, csrfToken } from '../csrf.js';
import { kindName, when } from '../format.js';
import { html, Layout } from '../layout.js';
import { assertScope, cookieOptions, requireSignedIn } from '../session.js';
import { ReportFrame, reportHtmlResponse, reportJsonResponse } from './report-frame.js';
import { ReportSummary } from './summary.js';

interface RunPageProps {
  csrf: string;
  now: Date;
  run: RunView;
  report: Report | null;
  /** a failed run that kept its report for diagnosis: linked, not shown as a result */
  diagnosis: boolean;
  /** the service's testbeds (`deps.testbeds`), the summary's rows */
  registry: TestbedRegistry;
  share?: { share: Pick<CreatedShare, 'url' | 'expiresAt'>; origin: string };
  revoked?: number;
}

/** Why progress stands still, while an endpoint's pause lasts (the script keeps it current from the stream). */
const pauseText = (run: Pick<RunView, 'pausedUntil'>, now: Date) => {
  const until = pendingPause(run.pausedUntil, now.getTime());
  return until ? `The endpoint asked the run to pause (Retry-After) until ${until} UTC: progress resumes then.` : '';
};

/**
 * Progress, followed live while the run is active, and while a run that has just succeeded waits for its report
 * (stored a moment after the status flips). A run that has ended otherwise has nothing to follow: its page must not
 * open a stream, whose `end` event would reload it at once, and again, and again.
 */
function Progress({ run, now, csrf, diagnosis }: { run: RunView; now: Date; csrf: string; diagnosis: boolean }) {
  const pause = pauseText(run, now);
  const follow = !isTerminalStatus(run.status) || run.status === 'succeeded';
  return (
    <section class="live card" data-events={follow ? `/console/runs/${run.id}/events` : undefined} data-rendered-status={run.status} aria-live="polite">
      <h2>Progress</h2>
      <p>
        <span class={`status ${run.status}`} data-field="status">{run.status}</span>{' '}
        <progress max={100} value={run.progress.percent} data-field="bar"></progress>{' '}
        <span data-field="text">{run.progress.done} of {run.progress.total} model calls ({run.progress.percent}%)</span>
      </p>
      <p class="notice" data-field="pause" hidden={!pause}>{pause}</p>
      {isTerminalStatus(run.status) ? null : (
        <form method="post" action={`/console/runs/${run.id}/cancel`} class="inline" data-confirm="Cancel this run? Its remaining model calls are not made, and it ends without a report.">
          <input type="hidden" name={CSRF_FIELD} value={csrf} />
          <button type="submit" class="secondary">Cancel run</button>
        </form>
      )}
      <p class="note">
        {run.status === 'succeeded'
          ? 'The run has succeeded; its report is being stored and shows here in a moment.'
          : isTerminalStatus(run.status)
            ? `${ENDED[run.status] ?? `The run ended ${run.status}`}: ${diagnosis ? 'it kept its report for diagnosis (links below), which has no score to rely on' : 'there is no report'}.${run.progress.done > 0 ? ' The calls it made are in its transcripts.' : ''}`
            : 'This page follows the run live and shows the report once it has finished.'}
      </p>
    </section>
  );
}

const ENDED: Record<string, string> = { failed: 'The run failed', cancelled: 'The run was cancelled' };

/** without scripts there is no live stream: an active run's page reloads itself this often instead */
const NO_SCRIPT_REFRESH_SECONDS = 15;

function RunPage(p: RunPageProps) {
  const r = p.run;
  const base = `/console/runs/${r.id}`;
  return (
    <Layout title={`Run ${r.id}`} active="runs" csrf={p.csrf} signedIn noScriptRefreshSeconds={isTerminalStatus(r.status) ? undefined : NO_SCRIPT_REFRESH_SECONDS}>
      <h1>
        {r.subjects[0]?.label ?? r.endpointId} <small>run {r.id}</small>
      </h1>
      <dl class="meta">
        <dt>Status</dt><dd><span class={`status ${r.status}`}>{r.status}</span></dd>
        <dt>Suite</dt><dd>{r.suite.id} {r.suite.version}{r.custom ? ' (custom parameters)' : ''}</dd>
        <dt>Compared with</dt>
        <dd>{r.subjects.length > 1 ? r.subjects.slice(1).map((s) => `${s.label} (${kindName(s.kind)})`).join(', ') : 'no baseline'}</dd>
        <dt>Created</dt><dd>{when(r.createdAt)}</dd>
        <dt>Finished</dt><dd>{when(r.finishedAt)}</dd>
      </dl>
      {r.error ? <p class="error" role="alert">{r.error.title}: {r.error.detail}</p> : null}
      {p.report ? null : <Progress run={r} now={p.now} csrf={p.csrf} diagnosis={p.diagnosis} />}
      <nav class="actions">
        {r.progress.done > 0 || !isTerminalStatus(r.status) ? <a href={`${base}/transcripts`}>Read transcripts</a> : null}
        {p.report ? <a href={`${base}/report.json`}>Download report (JSON)</a> : null}
        {p.report ? <a href={`${base}/report.html?download=1`}>Download report (HTML)</a> : null}
        {p.diagnosis ? <a href={`${base}/report.html`}>Report kept for diagnosis (HTML)</a> : null}
        {p.diagnosis ? <a href={`${base}/report.json`}>Report kept for diagnosis (JSON)</a> : null}
        {r.progress.done > 0 ? <a href={`${base}/transcripts.jsonl`}>Transcripts (JSONL)</a> : null}
        {r.progress.done > 0 ? <a href={`${base}/transcripts.csv`}>Transcripts (CSV)</a> : null}
        {p.report ? <a href={`/console/compare?run=${r.id}`}>Compare with another run…</a> : null}
      </nav>
      {p.report ? (
        <section class="share card">
          <h2>Share</h2>
          {p.share ? (
            <p class="ok" role="status">
              Read-only link (shown once; it opens this report only, until {when(p.share.share.expiresAt)}):{' '}
              <a data-share-link href={p.share.share.url}>{p.share.origin}{p.share.share.url}</a>
            </p>
          ) : null}
          {p.revoked !== undefined ? <p class="ok" role="status">{p.revoked} link(s) revoked.</p> : null}
          <form method="post" action={`${base}/share`} class="inline">
            <input type="hidden" name={CSRF_FIELD} value={p.csrf} />
            <label>Expires in <select name="ttlHours"><option value="24">1 day</option><option value="168" selected>7 days</option><option value="720">30 days</option></select></label>
            <button type="submit">Create share link</button>
          </form>
          <form method="post" action={`${base}/unshare`} class="inline" data-confirm="Revoke every share link of this run? Anyone holding one loses access to the report.">
            <input type="hidden" name={CSRF_FIELD} value={p.csrf} />
            <button type="submit" class="secondary">Revoke all links</button>
          </form>
        </section>
      ) : null}
      {p.report ? <ReportSummary report={p.report} registry={p.registry} /> : null}
      {p.report ? <ReportFrame src={`${base}/report.html`} /> : null}
    </Layout>
  );
}

async function reportIfReady(deps: Deps, tenantId: string, run: RunView) {
  // a failed run may keep its report for diagnosis (too few readable answers)
  if (run.status !== 'succeeded' && run.status !== 'failed') return null;
  try {
    return await loadStoredReport(deps, tenantId, run.id);
  } catch {
    return null; // scored a moment after the status flips: the page keeps following
  }
}

export function registerRunPage(ui: ConsoleApp, deps: Deps) {
  const show = async (c: Context<ConsoleEnv>, extra: Pick<RunPageProps, 'share' | 'revoked'> = {}) => {
    const tenantId = assertScope(c, 'runs:read');
    const run = await getRunView(deps, tenantId, c.req.param('id') ?? '');
    const stored = await reportIfReady(deps, tenantId, run);
    // a failed run's report is linked for diagnosis, not shown as a result
    const report = stored && run.status === 'succeeded' ? (JSON.parse(stored.body) as Report) : null;
    const diagnosis = stored !== null && run.status === 'failed';
    return html(c, <RunPage csrf={csrfToken(c, deps)} now={deps.clock.now()} run={run} report={report} diagnosis={diagnosis} registry={deps.testbeds} {...extra} />);
  };

  ui.get('/runs/:id', requireSignedIn(), (c) => show(c, takeFlash(c)));

  ui.get('/runs/:id/events', requireSignedIn(), async (c) => {
    const tenantId = assertScope(c, 'runs:read');
    const run = await getRunView(deps, tenantId, c.req.param('id'));
    // the console's streams count against the same limits as the API's
    return runEventStream(c, deps, tenantId, run.id, (e) => {
      const { id, status, progress, pausedUntil } = e.data;
      return JSON.stringify({ id, status, progress, pausedUntil });
    });
  });

  ui.get('/runs/:id/report.html', requireSignedIn(), async (c) => {
    const stored = await loadStoredReport(deps, assertScope(c, 'runs:read'), c.req.param('id'));
    return reportHtmlResponse(c, stored, c.req.query('download') === '1');
  });

  ui.get('/runs/:id/report.json', requireSignedIn(), async (c) => {
    const id = c.req.param('id');
    return reportJsonResponse(c, await loadStoredReport(deps, assertScope(c, 'runs:read'), id), id);
  });

  ui.post('/runs/:id/share', requireSignedIn(), async (c) => {
    const tenantId = assertScope(c, 'runs:write');
    const form = await c.req.parseBody();
    const hours = [24, 168, 720].find((h) => String(h) === form.ttlHours) ?? 168;
    const share = await createShare(deps, tenantId, c.req.param('id'), hours);
    return afterPost(c, `s|${share.url}|${share.expiresAt}`);
  });

  ui.post('/runs/:id/cancel', requireSignedIn(), async (c) => {
    const run = await getOwnedRun(deps, assertScope(c, 'runs:write'), c.req.param('id'));
    // a run that has already ended stays as it ended: the page it returns to says how
    if (!isTerminalStatus(run.status)) await cancelRun(deps, run.id);
    return c.redirect(`/console/runs/${run.id}`, 303);
  });

  ui.post('/runs/:id/unshare', requireSignedIn(), async (c) => {
    const revoked = await revokeShares(deps, assertScope(c, 'runs:write'), c.req.param('id'));
    return afterPost(c, `r|${revoked}`);
  });
}

// POST, then redirect, then GET: refreshing the page or going back must not create another link (or ask to resend
// the form). What the POST did reaches the next GET of the run page once, in a short-lived cookie scoped to that
// page: the new link is shown once and kept nowhere else.
const FLASH_COOKIE = 'atp_flash';
const FLASH_SECONDS = 120;
const SHARE_PATH = /^\/share\/shr_[A-Za-z0-9_-]{1,64}\.[A-Za-z0-9_-]{43}$/;

function afterPost(c: Context<ConsoleEnv>, flash: string) {
  const path = `/console/runs/${c.req.param('id')}`;
  setCookie(c, FLASH_COOKIE, flash, { ...cookieOptions(c, FLASH_SECONDS), path });
  return c.redirect(`${path}#share`, 303);
}

function takeFlash(c: Context<ConsoleEnv>): Pick<RunPageProps, 'share' | 'revoked'> {
  const flash = getCookie(c, FLASH_COOKIE);
  if (!flash) return {};
  deleteCookie(c, FLASH_COOKIE, { path: `/console/runs/${c.req.param('id')}` });
  const [kind, a, b] = flash.split('|');
  // only what afterPost wrote is shown: a link to this service's share page and its expiry, or a count
  if (kind === 's' && SHARE_PATH.test(a ?? '') && !Number.isNaN(Date.parse(b ?? ''))) {
    return { share: { share: { url: a, expiresAt: b }, origin: new URL(c.req.url).origin } };
  }
  if (kind === 'r' && /^\d{1,6}$/.test(a ?? '')) return { revoked: Number(a) };
  return {};
}
