import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import type { App } from '../../src/http/env.js';
import { startWorker, type Worker } from '../../src/runner/worker.js';
import { bearer, buildTestDeps, jsonHeaders, type TestContext } from '../support/deps.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/openai-server.js';
import { firstOption, hashPolicy } from '../support/policies.js';
import { storedReport } from '../support/runs.js';
import { createEndpointRow } from '../support/fixtures.js';
import { cookieOf, labWithRuns } from './support.js';
import { createRun } from '../../src/services/runs.js';
import { notePause } from '../../src/domain/run-lifecycle.js';
import { and, asc, eq } from 'drizzle-orm';
import { leaderboardEntries, modelCalls } from '../../src/db/schema.js';

const ORIGIN = 'http://localhost';

describe('console: sessions, CSRF, share links and exports', () => {
  let ctx: TestContext;
  let worker: Worker;
  let app: App;
  const models: FakeOpenAI[] = [];
  let lab: Awaited<ReturnType<typeof labWithRuns>>;

  beforeAll(async () => {
    ctx = await buildTestDeps();
    worker = startWorker(ctx.deps, { tickMs: 100 });
    app = createApp(ctx.deps);
    models.push(await startFakeOpenAI({ respond: hashPolicy }), await startFakeOpenAI({ respond: firstOption }));
    lab = await labWithRuns(ctx.deps, 'console-lab', models[0], models[1]);
  }, 300_000);
  afterAll(async () => {
    await worker?.stop();
    for (const m of models) await m.close();
    await ctx?.close();
  });

  async function signIn(token = lab.token) {
    const page = await app.request('/console/login');
    const pre = cookieOf(page, 'atp_login_csrf')!.split(';')[0];
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1];
    const res = await app.request('/console/login', {
      method: 'POST',
      headers: { origin: ORIGIN, cookie: pre, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token, _csrf: csrf, next: '/console/runs' }),
    });
    return { res, cookie: cookieOf(res, 'atp_session')?.split(';')[0] };
  }

  it('serves the landing page with security headers', async () => {
    const res = await app.request('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(await res.text()).toContain('href="/console/runs"');
  });

  it('sends a browser without a session to the sign-in form', async () => {
    const res = await app.request('/console/runs?status=succeeded');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console/login?next=%2Fconsole%2Fruns%3Fstatus%3Dsucceeded');
  });

  it('signs in with a token into an HttpOnly SameSite=Strict session, and refuses a bad token', async () => {
    const { res, cookie } = await signIn();
    expect(res.status).toBe(303);
    const set = cookieOf(res, 'atp_session')!;
    expect(set).toMatch(/HttpOnly/);
    expect(set).toMatch(/SameSite=Strict/);
    // the whole site: the landing page and share links show a signed-in header too (the API reads no cookie)
    expect(set).toMatch(/Path=\/;/);
    expect(set).not.toContain(lab.token);
    const runs = await app.request('/console/runs', { headers: { cookie: cookie! } });
    expect(runs.status).toBe(200);
    expect(await runs.text()).toContain(lab.runIds[0]);

    const bad = await signIn(lab.token.slice(0, -4) + 'AAAA');
    expect(bad.res.status).toBe(401);
    expect(bad.cookie).toBeUndefined();
    // an API token is not a session cookie
    const forged = await app.request('/console/runs', { headers: { cookie: `atp_session=${lab.token}` } });
    expect(forged.status).toBe(303);
  });

  it('Sign out ends the session on the server: a saved copy of the cookie no longer signs in', async () => {
    const { cookie } = await signIn();
    const page = await (await app.request('/console/runs', { headers: { cookie: cookie! } })).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1];
    const out = await app.request('/console/logout', {
      method: 'POST',
      headers: { cookie: cookie!, origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf }),
    });
    expect(out.status).toBe(303);
    const replayed = await app.request('/console/runs', { headers: { cookie: cookie! } });
    expect(replayed.status).toBe(303);
    expect(replayed.headers.get('location')).toMatch(/^\/console\/login/);
    // another sign-in of the same tenant is a new session, untouched by that sign-out
    const again = await signIn();
    expect((await app.request('/console/runs', { headers: { cookie: again.cookie! } })).status).toBe(200);
  });

  it('signs out a page whose session has expired instead of refusing it; a cross-site sign-out is still refused', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const expired = await app.request('/console/logout', {
      method: 'POST',
      headers: { ...form, origin: ORIGIN, cookie: 'atp_session=expired.or.tampered' },
      body: new URLSearchParams({ _csrf: 'from-the-old-page' }),
    });
    expect(expired.status).toBe(303);
    expect(expired.headers.get('location')).toBe('/');
    const crossSite = await app.request('/console/logout', { method: 'POST', headers: { ...form, origin: 'https://evil.example' }, body: '' });
    expect(crossSite.status).toBe(403);
  });

  it('refuses state-changing forms from another origin or without the form token', async () => {
    const { cookie } = await signIn();
    const page = await app.request(`/console/runs/${lab.runIds[0]}`, { headers: { cookie: cookie! } });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1];
    const post = (headers: Record<string, string>, body: Record<string, string>) =>
      app.request(`/console/runs/${lab.runIds[0]}/share`, {
        method: 'POST',
        headers: { cookie: cookie!, 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(body),
      });
    expect((await post({ origin: 'https://evil.example' }, { _csrf: csrf })).status).toBe(403);
    expect((await post({ 'sec-fetch-site': 'cross-site' }, { _csrf: csrf })).status).toBe(403);
    expect((await post({ origin: ORIGIN }, {})).status).toBe(403);
    expect((await post({ origin: ORIGIN }, { _csrf: csrf + 'x' })).status).toBe(403);
    // POST, redirect, GET: the link is shown once on the page the redirect leads to, and a refresh creates none
    const ok = await post({ origin: ORIGIN }, { _csrf: csrf, ttlHours: '24' });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe(`/console/runs/${lab.runIds[0]}#share`);
    const flash = cookieOf(ok, 'atp_flash')!.split(';')[0];
    const shown = await app.request(`/console/runs/${lab.runIds[0]}`, { headers: { cookie: `${cookie!}; ${flash}` } });
    expect(await shown.text()).toMatch(/data-share-link="true" href="\/share\/shr_[^"]+"/);
    expect(shown.headers.get('set-cookie')).toMatch(/atp_flash=;.*Max-Age=0/);
    const again = await app.request(`/console/runs/${lab.runIds[0]}`, { headers: { cookie: cookie! } });
    expect(await again.text()).not.toContain('data-share-link');
    // a flash the service did not write (another origin's link) is not shown
    const forged = await app.request(`/console/runs/${lab.runIds[0]}`, { headers: { cookie: `${cookie!}; atp_flash=${encodeURIComponent('s|//evil.example/x|2030-01-01T00:00:00Z')}` } });
    expect(await forged.text()).not.toContain('evil.example');
    const unshared = await app.request(`/console/runs/${lab.runIds[0]}/unshare`, {
      method: 'POST',
      headers: { cookie: cookie!, origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf }),
    });
    expect(unshared.status).toBe(303);
    const revokedPage = await app.request(`/console/runs/${lab.runIds[0]}`, { headers: { cookie: `${cookie!}; ${cookieOf(unshared, 'atp_flash')!.split(';')[0]}` } });
    expect(await revokedPage.text()).toMatch(/\d+ link\(s\) revoked\./);
  });

  it('refuses transcript filters the form never offers, on the page and on downloads, instead of exporting everything', async () => {
    const { cookie } = await signIn();
    const base = `/console/runs/${lab.runIds[0]}/transcripts`;
    for (const url of [`${base}.csv?testbed=nope`, `${base}.jsonl?arm=x`, `${base}?reading=maybe`, `${base}?who=nobody`, `${base}.csv?who=nobody`]) {
      const res = await app.request(url, { headers: { cookie: cookie! } });
      expect(res.status, url).toBe(400);
      expect(res.headers.get('content-type'), url).toMatch(/^text\/html/);
      expect(await res.text(), url).toMatch(/testbed|arm|reading|who/);
    }
    expect((await app.request(`${base}.csv?testbed=role-play`, { headers: { cookie: cookie! } })).status).toBe(200);
  });

  it('drops a scenario or episode left over from another testbed instead of filtering by what the form no longer shows', async () => {
    const { cookie } = await signIn();
    const base = `/console/runs/${lab.runIds[0]}/transcripts`;
    const roleplay = await (await app.request(`${base}?testbed=role-play`, { headers: { cookie: cookie! } })).text();
    const scenario = /<select name="scenario"><option value="">any<\/option><option value="([^"]+)"/.exec(roleplay)![1];
    const episodes = await (await app.request(`${base}?testbed=role-play&scenario=${encodeURIComponent(scenario)}`, { headers: { cookie: cookie! } })).text();
    const episode = /<select name="episode"><option value="">any<\/option><option value="([^"]+)"/.exec(episodes)![1];
    const stale = await app.request(`${base}?testbed=tool-use&scenario=${encodeURIComponent(scenario)}&episode=${encodeURIComponent(episode)}`, { headers: { cookie: cookie! } });
    expect(stale.status).toBe(200);
    const page = await stale.text();
    expect(page).not.toContain('No calls match these filters.');
    expect(page).not.toMatch(new RegExp(`value="${scenario}" selected`));
    expect(page).not.toMatch(new RegExp(`value="${episode}" selected`));
  });

  it('names what a read answer holds as its testbed does: a choice in role-play, a number answer in tool use', async () => {
    const { cookie } = await signIn();
    const base = `/console/runs/${lab.runIds[0]}/transcripts`;
    const roleplay = await (await app.request(`${base}?testbed=role-play`, { headers: { cookie: cookie! } })).text();
    expect(roleplay).toMatch(/ choice <q>/);
    const tools = await (await app.request(`${base}?testbed=tool-use`, { headers: { cookie: cookie! } })).text();
    expect(tools).toMatch(/ answer <q>/);
    expect(tools).not.toMatch(/ choice <q>/);
  });

  it('answers the browser\'s icon request with no content rather than a 404 on every page view', async () => {
    const icon = await app.request('/favicon.ico');
    expect(icon.status).toBe(204);
    expect(icon.headers.get('cache-control')).toContain('max-age');
  });

  it('a mistyped share link or console address is a page; the API keeps answering problem JSON', async () => {
    for (const url of ['/share', '/share/', '/share/shr_x/extra', '/console/nope/deeper']) {
      const res = await app.request(url);
      expect(res.status, url).toBe(404);
      expect(res.headers.get('content-type'), url).toMatch(/^text\/html/);
    }
    const api = await app.request('/v1/nope');
    expect(api.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('a run paused by its endpoint (long Retry-After) says why progress stands still', async () => {
    const { cookie } = await signIn();
    // the probe answers, then every call hangs: the run stays running while the page is read
    let calls = 0;
    const slow = await startFakeOpenAI({ respond: (body: unknown) => (++calls <= 2 ? hashPolicy(body) : { hang: true, resetAfterMs: 60_000 }) });
    models.push(slow);
    const endpoint = await createEndpointRow(ctx.deps, lab.tenantId, { baseUrl: slow.url, name: 'paused-model', maxConcurrency: 1 });
    const { runId } = await createRun(ctx.deps, lab.tenantId, { endpointId: endpoint.id, suite: 'atp-quick-v1' });
    const until = new Date(Date.now() + 10 * 60_000);
    await notePause(ctx.deps, runId, until);
    const page = await (await app.request(`/console/runs/${runId}`, { headers: { cookie: cookie! } })).text();
    expect(page).toContain(`The endpoint asked the run to pause (Retry-After) until ${until.toISOString().replace('T', ' ').slice(0, 19)} UTC`);
    expect(page).not.toMatch(/data-field="pause" hidden/);
    // with scripts off the live stream does nothing: an active run's page reloads itself instead
    expect(page).toMatch(/<noscript><meta http-equiv="refresh" content="15"\/?><\/noscript>/);
    // the page's Cancel button ends the run (POST, then back to the page)
    expect(page).toContain(`action="/console/runs/${runId}/cancel"`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1];
    const cancel = await app.request(`/console/runs/${runId}/cancel`, {
      method: 'POST',
      headers: { cookie: cookie!, origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf }),
    });
    expect(cancel.status).toBe(303);
    expect(cancel.headers.get('location')).toBe(`/console/runs/${runId}`);
    const after = await (await app.request(`/console/runs/${runId}`, { headers: { cookie: cookie! } })).text();
    expect(after).toContain('<span class="status cancelled">cancelled</span>');
    expect(after).not.toContain('asked the run to pause');
    expect(after).not.toContain('Cancel run');
    expect(after).not.toContain('http-equiv="refresh"');
    // an ended run has nothing to follow: no live stream, whose end event would reload the page over and over
    expect(after).not.toContain('data-events=');
    expect(after).toContain('The run was cancelled: there is no report.');
    expect(page).toContain('data-confirm="Cancel this run?');
  });

  it('the runs list refuses a status or suite its form never offers, and a later page links back to the newest', async () => {
    const { cookie } = await signIn();
    const bad = await app.request('/console/runs?status=finished&suite=atp-nope', { headers: { cookie: cookie! } });
    expect(bad.status).toBe(400);
    const said = await bad.text();
    expect(said).toContain('status: unknown status');
    expect(said).toContain('suite: unknown suite');
    const api = await app.request('/v1/runs?limit=1', { headers: bearer(lab.token) });
    const { nextCursor } = (await api.json()) as { nextCursor: string };
    const first = await (await app.request('/console/runs', { headers: { cookie: cookie! } })).text();
    expect(first).not.toContain('← Newest runs');
    const later = await app.request(`/console/runs?cursor=${encodeURIComponent(nextCursor)}`, { headers: { cookie: cookie! } });
    expect(later.status).toBe(200);
    expect(await later.text()).toContain('href="/console/runs">← Newest runs</a>');
  });

  it('what the service refuses before a page runs (a NUL byte, a form over the body limit) is a page, not problem JSON', async () => {
    const { cookie } = await signIn();
    const nul = await app.request('/console/runs?status=%00', { headers: { cookie: cookie! } });
    expect(nul.status).toBe(400);
    expect(nul.headers.get('content-type')).toMatch(/^text\/html/);
    const big = await app.request(`/console/runs/${lab.runIds[0]}/share`, {
      method: 'POST',
      headers: { cookie: cookie!, origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'x='.concat('a'.repeat(1_100_000)),
    });
    expect(big.status).toBe(413);
    expect(big.headers.get('content-type')).toMatch(/^text\/html/);
    // the API keeps answering problems
    const api = await app.request('/v1/runs?status=%00', { headers: bearer(lab.token) });
    expect(api.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('shares a report read-only through an expiring link, and revokes it', async () => {
    const runId = lab.runIds[0];
    const created = await app.request(`/v1/runs/${runId}/share`, { method: 'POST', headers: jsonHeaders(lab.token), body: JSON.stringify({ ttlHours: 2 }) });
    expect(created.status).toBe(201);
    const share = (await created.json()) as { url: string; htmlUrl: string; reportUrl: string; expiresAt: string };
    expect(share.url).toMatch(/^\/share\/shr_/);
    const json = await app.request(share.reportUrl);
    expect(json.status).toBe(200);
    expect(json.headers.get('content-disposition')).toContain('attachment');
    // like the share page and its report.html: a revocable link's report is never kept by a cache
    expect(json.headers.get('cache-control')).toBe('no-store');
    expect((await app.request(share.htmlUrl)).headers.get('cache-control')).toBe('no-store');
    expect(await json.json()).toEqual(await storedReport(ctx.deps, runId));
    expect((await app.request(share.htmlUrl)).status).toBe(200);
    expect((await app.request(share.url)).status).toBe(200);
    // the secret in the link grants nothing on the API
    const secret = share.url.split('/')[2];
    expect((await app.request(`/v1/runs/${runId}`, { headers: bearer(secret) })).status).toBe(401);
    // a tampered secret is refused like a missing link
    expect((await app.request(share.url.slice(0, -3) + 'AAA')).status).toBe(404);

    const revoked = await app.request(`/v1/runs/${runId}/share`, { method: 'DELETE', headers: bearer(lab.token) });
    // this link and the one the CSRF test created through the console
    expect(((await revoked.json()) as { revoked: number }).revoked).toBeGreaterThanOrEqual(1);
    for (const u of [share.url, share.htmlUrl, share.reportUrl]) expect((await app.request(u)).status).toBe(404);
    // the JSON link answers a program in its own terms
    expect((await app.request(share.reportUrl)).headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('exports transcripts as JSONL and CSV with the paged route\'s filters', async () => {
    const runId = lab.runIds[0];
    let total = 0;
    for (let cursor: string | null = ''; cursor !== null; ) {
      const res = await app.request(`/v1/runs/${runId}/transcripts?testbed=role-play&limit=500${cursor ? `&cursor=${cursor}` : ''}`, { headers: bearer(lab.token) });
      const page = (await res.json()) as { items: unknown[]; nextCursor: string | null };
      total += page.items.length;
      cursor = page.nextCursor;
    }
    const jsonl = await app.request(`/v1/runs/${runId}/transcripts.jsonl?testbed=role-play`, { headers: bearer(lab.token) });
    expect(jsonl.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = (await jsonl.text()).trim().split('\n');
    expect(lines).toHaveLength(total);
    expect(lines.every((l) => JSON.parse(l).testbed === 'role-play')).toBe(true);

    const csv = await app.request(`/v1/runs/${runId}/transcripts.csv?testbed=role-play`, { headers: bearer(lab.token) });
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="${runId}-transcripts.csv"`);
    const text = await csv.text();
    expect(text.split('\r\n')[0]).toMatch(/^id,subject,testbed,scenarioId/);
    expect((await app.request(`/v1/runs/${runId}/transcripts.csv`)).status).toBe(401);
    const other = await labWithRunsToken();
    expect((await app.request(`/v1/runs/${runId}/transcripts.jsonl`, { headers: bearer(other) })).status).toBe(404);
  });

  it('shows caller mistakes in place (failing probe, impossible comparison) and others as problem pages', async () => {
    const { cookie } = await signIn();
    const broken = await startFakeOpenAI({ respondToProbes: true, respond: () => ({ status: 401, body: { error: { message: 'invalid api key' } } }) });
    models.push(broken);
    const endpoint = await createEndpointRow(ctx.deps, lab.tenantId, { baseUrl: broken.url, name: 'broken' });
    const page = await app.request('/console/endpoints', { headers: { cookie: cookie! } });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1];
    const probe = await app.request(`/console/endpoints/${endpoint.id}/probe`, {
      method: 'POST',
      headers: { cookie: cookie!, origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf }),
    });
    expect(probe.status).toBe(200);
    expect(await probe.text()).toContain('Probe failed:');
    // reachable but unreadable (empty answers cut by the token budget): not shown as ready, with the probe's advice
    const cut = await startFakeOpenAI({ respondToProbes: true, respond: () => ({ content: '', finish_reason: 'length' }) });
    models.push(cut);
    const cutEndpoint = await createEndpointRow(ctx.deps, lab.tenantId, { baseUrl: cut.url, name: 'cut by budget' });
    const cutProbe = await app.request(`/console/endpoints/${cutEndpoint.id}/probe`, {
      method: 'POST',
      headers: { cookie: cookie!, origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf }),
    });
    const cutText = await cutProbe.text();
    expect(cutText).toContain('<div class="reading bad" role="status"><p>Reachable, but a run cannot measure it yet');
    expect(cutText).toMatch(/<li>[^<]*max_tokens[^<]*<\/li>/);
    // another tenant's endpoint stays a 404 page
    const missing = await app.request('/console/endpoints/end_nope/probe', {
      method: 'POST',
      headers: { cookie: cookie!, origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf }),
    });
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('<h1>Not found</h1>');

    const compare = await app.request(`/console/compare?run=${lab.runIds[0]}&run=run_unknown`, { headers: { cookie: cookie! } });
    expect(compare.status).toBe(400);
    // which of the picked ids is not a run of yours, named
    expect(await compare.text()).toContain('role="alert">No run &quot;run_unknown&quot; among your runs: pick runs from the list below.<');
    // the same run twice, and a single run: said in words, not an empty page
    const twice = await app.request(`/console/compare?run=${lab.runIds[0]}&run=${lab.runIds[0]}`, { headers: { cookie: cookie! } });
    expect(twice.status).toBe(400);
    expect(await twice.text()).toMatch(/role="alert">[^<]*\w[^<]*</);
    // one run (a run page's "Compare with another run…"): the runs it can be compared with, itself first and picked
    const single = await app.request(`/console/compare?run=${lab.runIds[0]}`, { headers: { cookie: cookie! } });
    expect(single.status).toBe(200);
    const offered = await single.text();
    expect(offered).toContain(`Pick one or more runs to compare with ${lab.runIds[0]}`);
    const boxes = [...offered.matchAll(/<input type="checkbox" name="run" value="([^"]+)"( checked)?/g)];
    expect(boxes[0]?.slice(1)).toEqual([lab.runIds[0], ' checked']);
    expect(boxes.map((b) => b[1])).toContain(lab.runIds[1]);
    expect(offered).not.toContain('role="alert"');

    const nowhere = await app.request('/console/nowhere', { headers: { cookie: cookie! } });
    expect(nowhere.status).toBe(404);
    const nowherePage = await nowhere.text();
    expect(nowherePage).toContain('no console page at /console/nowhere');
    // still signed in on an error page: the header offers Sign out, not Sign in
    expect(nowherePage).toMatch(/action="\/console\/logout"/);
    expect(await (await app.request('/console/login', { headers: { cookie: cookie! } })).text()).toMatch(/action="\/console\/logout"/);
    expect((await app.request('/console/assets/none.js')).status).toBe(404);
  });

  const signedInHeader = /<form method="post" action="\/console\/logout" class="signout">/;
  const signInLink = /<a class="signin" href="\/console\/login">/;

  it('public pages (landing, leaderboard, its reports, share links) keep a signed-in visitor\'s header, and name the model, not "your model"', async () => {
    const { cookie } = await signIn();
    await ctx.deps.db.db.insert(leaderboardEntries).values({
      id: 'lbe_console_header', tenantId: lab.tenantId, runId: lab.runIds[0], model: 'acme-8b-base', family: 'acme-8b', variant: 'base',
      suiteId: 'atp-standard-v2', score: 39.3, ciLo: 12.4, ciHi: 66.2, submittedAt: new Date(),
    });
    const created = await app.request(`/v1/runs/${lab.runIds[0]}/share`, { method: 'POST', headers: jsonHeaders(lab.token), body: JSON.stringify({ ttlHours: 1 }) });
    const share = (await created.json()) as { url: string; htmlUrl: string };
    const pages = ['/', '/leaderboard', '/leaderboard?suite=atp-standard-v2', '/leaderboard?suite=nope', '/console/leaderboard?suite=atp-standard-v2', `/console/leaderboard/runs/${lab.runIds[0]}`, share.url];
    for (const url of pages) {
      const signed = await app.request(url, { headers: { cookie: cookie! } });
      expect(signed.status, url).toBe(url.endsWith('nope') ? 400 : 200);
      const page = await signed.text();
      expect(page, url).toMatch(signedInHeader);
      expect(page, url).not.toMatch(signInLink);
      const anonymous = await (await app.request(url)).text();
      expect(anonymous, url).toMatch(signInLink);
      expect(anonymous, url).not.toMatch(signedInHeader);
    }
    // the public board's signed-in copy carries a sign-out token: not for caches
    expect((await app.request('/leaderboard', { headers: { cookie: cookie! } })).headers.get('cache-control')).toBe('no-store');
    // the sign-out form of a public page works like any other (the token is the session's)
    const onShare = await (await app.request(share.url, { headers: { cookie: cookie! } })).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(onShare)![1];
    const out = await app.request('/console/logout', {
      method: 'POST',
      headers: { cookie: cookie!, origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf }),
    });
    expect(out.status).toBe(303);
    expect(out.headers.getSetCookie().some((c) => /^atp_session=;.*Path=\/(;|$)/.test(c))).toBe(true);
    expect(await (await app.request(share.url, { headers: { cookie: cookie! } })).text()).toMatch(signInLink);

    // the API never reads the session cookie (bearer tokens only): a stale one is not even looked at there
    const api = await app.request('/v1/runs?limit=1', { headers: { ...bearer(lab.token), cookie: 'atp_session=stale' } });
    expect(api.status).toBe(200);
    expect(api.headers.getSetCookie()).toEqual([]);
    expect((await app.request(share.url, { headers: { cookie: 'atp_session=stale' } })).headers.get('set-cookie')).toMatch(/^atp_session=;/);

    // a browser holding a session cookie of the old /console path loses it on signing in, or it would shadow the new one
    const form = await app.request('/console/login');
    const pre = cookieOf(form, 'atp_login_csrf')!.split(';')[0];
    const login = await app.request('/console/login', {
      method: 'POST',
      headers: { origin: ORIGIN, cookie: `${pre}; atp_session=from-before`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: lab.token, _csrf: /name="_csrf" value="([^"]+)"/.exec(await form.text())![1], next: '/console/runs' }),
    });
    const set = login.headers.getSetCookie();
    // (browsers apply Set-Cookie in order: the last one for Path=/ is the new session)
    expect(set.filter((c) => /^atp_session=.*Path=\/(;|$)/.test(c)).at(-1)).toMatch(/^atp_session=[^;]+;/);
    expect(set.some((c) => /^atp_session=;.*Path=\/console(;|$)/.test(c))).toBe(true);

    // a public report is read by others: it names the model; the owner's own copy still says "your model"
    for (const url of [`/console/leaderboard/runs/${lab.runIds[0]}`, share.url, `/console/leaderboard/runs/${lab.runIds[0]}/report.html`, share.htmlUrl]) {
      const text = await (await app.request(url)).text();
      expect(text, url).not.toMatch(/your model|your variant/i);
      expect(text, url).toContain('acme-8b/base');
    }
    expect(await (await app.request(share.htmlUrl)).text()).toContain('<p>Evaluated model: <strong>acme-8b/base</strong>');
    expect(await (await app.request(share.url)).text()).toContain('acme-8b/dpo <small>(a variant from the same lab)</small>');
    const again = await signIn();
    const own = await (await app.request(`/console/runs/${lab.runIds[0]}/report.html`, { headers: { cookie: again.cookie! } })).text();
    expect(own).toContain('<p>Your model: <strong>acme-8b/base</strong>');
  });

  it('GET /console/logout offers the sign-out button (signing out stays a POST); without a session it leads home', async () => {
    const { cookie } = await signIn();
    const page = await app.request('/console/logout', { headers: { cookie: cookie! } });
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toMatch(/<form method="post" action="\/console\/logout" class="card"><input type="hidden" name="_csrf" value="[^"]+"/);
    // the GET itself signed nobody out
    expect(page.headers.getSetCookie()).toEqual([]);
    expect((await app.request('/console/runs', { headers: { cookie: cookie! } })).status).toBe(200);
    const anonymous = await app.request('/console/logout');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/');
  });

  it('the runs list says an endpoint filter it does not know, with the endpoints it has; a name or label finds its endpoint', async () => {
    const { cookie } = await signIn();
    const get = (q: string) => app.request(`/console/runs?${q}`, { headers: { cookie: cookie! } });
    const unknown = await get('endpoint=nope');
    expect(unknown.status).toBe(400);
    const said = await unknown.text();
    expect(said).toContain('endpoint: no endpoint named &quot;nope&quot;, nor with that id; your endpoints: ');
    expect(said).toContain(`acme-8b/base (acme-8b base): ${lab.subjectEndpoint.id}`);
    expect(said).toContain('href="/console/runs">Show every run</a>');
    // the form stays, to pick a known value; no list pretends to be filtered
    expect(said).toContain('<form method="get" action="/console/runs" class="filters">');
    expect(said).not.toContain('<table class="list">');
    // an endpoint's name or its label (what the Model column shows) is read as that endpoint
    for (const name of ['acme-8b base', 'acme-8b/base', lab.subjectEndpoint.id]) {
      const found = await get(`endpoint=${encodeURIComponent(name)}`);
      expect(found.status, name).toBe(200);
      const text = await found.text();
      expect(text, name).toContain(lab.runIds[0]);
      expect(text, name).not.toContain(lab.runIds[1]);
      expect(text, name).toContain(`<option value="${lab.subjectEndpoint.id}" selected="">acme-8b/base (acme-8b base)</option>`);
    }
    // every bad value is said in words, never a server error
    for (const q of ['status=finished', 'suite=atp-nope', 'endpoint=%E0%A4%A', 'cursor=zz', 'endpoint=x&status=y&suite=z', `endpoint=${'e'.repeat(500)}`]) {
      const res = await get(q);
      expect(res.status, q).toBe(400);
      expect(res.headers.get('content-type'), q).toMatch(/^text\/html/);
    }
    const all = await (await get('endpoint=x&status=y&suite=z')).text();
    expect(all).toContain('status: unknown status &quot;y&quot;; known: queued, running, succeeded, failed, cancelled');
    expect(all).toContain('suite: unknown suite &quot;z&quot;; known: atp-quick-v1');
  });

  it('compare heads each run with its seed and times, so two runs of one model can be told apart', async () => {
    const { cookie } = await signIn();
    const page = await (await app.request(`/console/compare?run=${lab.runIds[0]}&run=${lab.runIds[1]}`, { headers: { cookie: cookie! } })).text();
    const head = /<table class="compare"><thead>([\s\S]*?)<\/thead>/.exec(page)![1];
    const views = await Promise.all(lab.runIds.map(async (id) => (await (await app.request(`/v1/runs/${id}`, { headers: bearer(lab.token) })).json()) as { seed: number; createdAt: string; finishedAt: string }));
    const minute = (iso: string) => iso.replace('T', ' ').slice(0, 16) + ' UTC';
    for (const v of views) {
      expect(head).toContain(`<small>seed ${v.seed}</small>`);
      expect(head).toContain(`<small>created ${minute(v.createdAt)}</small>`);
      expect(head).toContain(`<small>finished ${minute(v.finishedAt)}</small>`);
    }
    // the picker too: a Seed column
    expect(page).toContain('<th scope="col" class="num">Seed</th>');
  });

  it('names a run\'s model by its label everywhere: runs list, run page, compare, transcripts and the endpoint filter', async () => {
    const { cookie } = await signIn();
    const get = async (url: string) => (await app.request(url, { headers: { cookie: cookie! } })).text();
    const runs = await get('/console/runs');
    expect(runs).toMatch(new RegExp(`${lab.runIds[0]}</a></td><td>acme-8b/base<small>`));
    expect(runs).toContain('>acme-8b/base (acme-8b base)</option>');
    expect(await get(`/console/runs/${lab.runIds[0]}`)).toMatch(/<h1>acme-8b\/base <small>run /);
    expect(await get(`/console/compare?run=${lab.runIds[0]}&run=${lab.runIds[1]}`)).toContain(`>acme-8b/base</a><br/><small>reference · ${lab.runIds[0]}`);
    const transcripts = await get(`/console/runs/${lab.runIds[0]}/transcripts?testbed=role-play&who=subject`);
    expect(transcripts).toMatch(/<small>acme-8b\/base · /);
    expect(transcripts).not.toMatch(/<small>your model · /);
    expect(await get('/console/endpoints')).toContain('<small>runs name it acme-8b/base</small>');
  });

  it('the transcript viewer says where a page stands, colours a failed call apart from deviant answers, and speaks plainly', async () => {
    const { cookie } = await signIn();
    const runId = lab.runIds[1];
    // a call the endpoint never answered (transport error), as the runner stores it
    const [call] = await ctx.deps.db.db.select({ id: modelCalls.id }).from(modelCalls).where(eq(modelCalls.runId, runId)).orderBy(asc(modelCalls.id)).limit(1);
    await ctx.deps.db.db.update(modelCalls).set({ response: null, parse: null, error: 'connect ECONNREFUSED 127.0.0.1:9' }).where(and(eq(modelCalls.runId, runId), eq(modelCalls.id, call.id)));
    const base = `/console/runs/${runId}/transcripts`;
    const first = await (await app.request(base, { headers: { cookie: cookie! } })).text();
    expect(first).toContain('<p class="reading failed">Call failed, no answer to read: connect ECONNREFUSED 127.0.0.1:9</p>');
    expect(first).not.toMatch(/class="reading bad">Call failed/);
    expect(first).toContain('<span class="legend failed">call failed</span>');

    let total = 0;
    for (let cursor: string | null = ''; cursor !== null; ) {
      const res = await app.request(`/v1/runs/${runId}/transcripts?limit=500${cursor ? `&cursor=${cursor}` : ''}`, { headers: bearer(lab.token) });
      const page = (await res.json()) as { items: unknown[]; nextCursor: string | null };
      total += page.items.length;
      cursor = page.nextCursor;
    }
    expect(total).toBeGreaterThan(80);
    expect(first).toContain(`Model calls 1–40 of ${total}`);
    expect(first).toMatch(new RegExp(`Next page →</a><span>calls 1–40 of ${total}</span>`));
    const next = /<a href="([^"]+)">Next page →<\/a>/.exec(first)![1].replace(/&amp;/g, '&');
    const second = await (await app.request(next, { headers: { cookie: cookie! } })).text();
    expect(second).toContain(`Model calls 41–80 of ${total}`);
    expect(second).toContain('← First page</a>');
    // filtered: counted among the calls the filters match
    const deviant = await (await app.request(`${base}?testbed=role-play&reading=deviant`, { headers: { cookie: cookie! } })).text();
    expect(deviant).toMatch(/Model calls 1–\d+ of \d+/);

    // plain words: the reward feedback, not the method's "arm"; a reading in words, not the reader's status names
    expect(first).toContain('<label>Reward feedback<select name="arm">');
    expect(first).not.toContain('treatment arm');
    expect(first).not.toContain('Read as: parsed');
    expect(deviant).toMatch(/<strong>Read:<\/strong> choice <q>[^<]+<\/q> · <span class="role" title="option role: violating">deviant<\/span> \(chose the rule-breaking option\)/);
  });

  it('the runs list says a parameter it does not take or one given twice, instead of listing every run; its own links keep working', async () => {
    const { cookie } = await signIn();
    const get = (q: string) => app.request(`/console/runs?${q}`, { headers: { cookie: cookie! } });
    const cases: [string, string][] = [
      ['foo=1', 'foo: this page has no parameter &quot;foo&quot;; it takes status, suite, endpoint and cursor'],
      // the API's name for the filter: the page says its own
      [`endpointId=${lab.subjectEndpoint.id}`, 'endpointId: this page has no parameter &quot;endpointId&quot;; it is called endpoint here (endpoint=…); it takes status, suite, endpoint and cursor'],
      ['status=succeeded&status=failed', 'status: given 2 times (&quot;succeeded&quot;, &quot;failed&quot;); give it once'],
      [`${'x'.repeat(300)}=1`, `${'x'.repeat(64)}…: this page has no parameter`],
    ];
    for (const [q, words] of cases) {
      const res = await get(q);
      expect(res.status, q).toBe(400);
      const text = await res.text();
      expect(text, q).toContain(words);
      expect(text, q).toContain('<form method="get" action="/console/runs" class="filters">');
      expect(text, q).not.toContain('<table class="list">');
      expect(text, q).not.toContain(lab.runIds[0]);
    }
    // what the page itself sends: the filter form (every select, "any" as empty) and the pager's links
    expect((await get('status=&suite=&endpoint=')).status).toBe(200);
    const api = (await (await app.request('/v1/runs?limit=1&status=succeeded', { headers: bearer(lab.token) })).json()) as { nextCursor: string };
    const filtered = await get(`status=succeeded&suite=atp-quick-v1&endpoint=&cursor=${encodeURIComponent(api.nextCursor)}`);
    expect(filtered.status).toBe(200);
    const links = [...(await filtered.text()).matchAll(/href="(\/console\/runs(?:\?[^"]*)?)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));
    expect(links).toContain('/console/runs?status=succeeded&suite=atp-quick-v1');
    for (const link of links) expect((await app.request(link, { headers: { cookie: cookie! } })).status, link).toBe(200);
  });

  it('the compare page says a parameter it does not take, as the runs list does, instead of ignoring it; its own forms keep working', async () => {
    const { cookie } = await signIn();
    const get = (q: string) => app.request(`/console/compare?${q}`, { headers: { cookie: cookie! } });
    const [a, b] = lab.runIds;
    const cases: [string, string][] = [
      ['foo=1', 'foo: this page has no parameter &quot;foo&quot;; it takes run and go'],
      // beside a valid pick too: nothing is compared rather than a comparison that ignored part of the address
      [`run=${a}&run=${b}&foo=1`, 'foo: this page has no parameter &quot;foo&quot;; it takes run and go'],
      // a name someone may know the parameter by: the page says its own
      [`runs=${a}`, 'runs: this page has no parameter &quot;runs&quot;; it is called run here (run=…); it takes run and go'],
      ['go=1&go=1', 'go: given 2 times'],
    ];
    for (const [q, words] of cases) {
      const res = await get(q);
      expect(res.status, q).toBe(400);
      const text = await res.text();
      expect(text, q).toContain(words);
      expect(text, q).toContain('Nothing compared: the address asks for something this page cannot do.');
      expect(text, q).not.toContain('<table class="compare">');
      // the picker is still there to start over
      expect(text, q).toContain('<form method="get" action="/console/compare" class="card">');
    }
    // what the page and its links send: run (once per picked run, so repeated), and the picker's go
    expect((await get(`run=${a}&run=${b}&go=1`)).status).toBe(200);
    expect(await (await get(`run=${a}&run=${b}`)).text()).toContain('<table class="compare">');
    expect((await get(`run=${a}`)).status).toBe(200);
    expect((await get('go=1')).status).toBe(200);
    expect((await get('')).status).toBe(200);
  });

  it('the endpoint filter tells apart two endpoints of one name by their ids', async () => {
    const { tokenFor } = await import('../support/deps.js');
    const twins = await tokenFor(ctx.deps, 'twin-lab');
    const a = await createEndpointRow(ctx.deps, twins.tenantId, { baseUrl: 'http://127.0.0.1:9/v1', name: 'twin' });
    const b = await createEndpointRow(ctx.deps, twins.tenantId, { baseUrl: 'http://127.0.0.1:9/v1', name: 'twin' });
    const solo = await createEndpointRow(ctx.deps, twins.tenantId, { baseUrl: 'http://127.0.0.1:9/v1', name: 'solo' });
    const { cookie } = await signIn(twins.token);
    const page = await (await app.request('/console/runs', { headers: { cookie: cookie! } })).text();
    expect(page).toContain(`<option value="${a.id}">twin · ${a.id}</option>`);
    expect(page).toContain(`<option value="${b.id}">twin · ${b.id}</option>`);
    // a name no other endpoint has stays as it is
    expect(page).toContain(`<option value="${solo.id}">solo</option>`);
  });

  it('the transcript viewer says an episode the run does not have and a parameter it does not take, instead of showing every call', async () => {
    const { cookie } = await signIn();
    const runId = lab.runIds[0];
    const base = `/console/runs/${runId}/transcripts`;
    const get = (q: string) => app.request(`${base}?${q}`, { headers: { cookie: cookie! } });
    const cases: [string, string][] = [
      ['episode=nope', 'episode: this run has no episode &quot;nope&quot;'],
      ['testbed=role-play&scenario=nope', 'scenario: this run has no scenario &quot;nope&quot;'],
      ['foo=1', 'foo: this page has no parameter &quot;foo&quot;; it takes testbed, scenario, episode, who, arm, reading and cursor'],
      ['testbed=role-play&testbed=tool-use', 'testbed: given 2 times'],
      // refused values are said on the page too, with the form, not on a bare problem page
      ['who=nobody', 'who: no such model in this run'],
      ['testbed=nope', 'testbed: unknown testbed'],
    ];
    for (const [q, words] of cases) {
      const res = await get(q);
      expect(res.status, q).toBe(400);
      const text = await res.text();
      expect(text, q).toContain(words);
      expect(text, q).toContain(`<form method="get" action="${base}" class="filters">`);
      expect(text, q).toContain(`href="${base}">Show every call of this run</a>`);
      expect(text, q).not.toContain('<article class="turn"');
    }
    // an episode named on its own (a link to it) opens with its testbed and scenario picked, and only its calls
    const roleplay = await (await get('testbed=role-play')).text();
    const scenario = /<select name="scenario"><option value="">any<\/option><option value="([^"]+)"/.exec(roleplay)![1];
    const listed = await (await get(`testbed=role-play&scenario=${encodeURIComponent(scenario)}`)).text();
    const episode = /<select name="episode"><option value="">any<\/option><option value="([^"]+)"/.exec(listed)![1];
    const alone = await get(`episode=${encodeURIComponent(episode)}`);
    expect(alone.status).toBe(200);
    const text = await alone.text();
    expect(text).toContain('<option value="role-play" selected="">');
    expect(text).toContain(`<option value="${scenario}" selected="">`);
    expect(text).toMatch(new RegExp(`<option value="${episode}" selected="">`));
    const { total } = { total: Number(/Model calls 1–\d+ of (\d+)/.exec(text)![1]) };
    const all = Number(/Model calls 1–\d+ of (\d+)/.exec(await (await get('')).text())![1]);
    expect(total).toBeLessThan(all);
    // downloads refuse the same, rather than export every call
    for (const q of ['episode=nope', 'foo=1', 'cursor=x']) {
      const res = await app.request(`${base}.csv?${q}`, { headers: { cookie: cookie! } });
      expect(res.status, q).toBe(400);
      expect(res.headers.get('content-type'), q).toMatch(/^text\/html/);
    }
    expect((await app.request(`${base}.csv?episode=${encodeURIComponent(episode)}`, { headers: { cookie: cookie! } })).status).toBe(200);
  });

  it('speaks with the right article and numbers: "not read as an answer", "two to six" runs', async () => {
    const { cookie } = await signIn();
    const tools = await (await app.request(`/console/runs/${lab.runIds[0]}/transcripts?testbed=tool-use`, { headers: { cookie: cookie! } })).text();
    expect(tools).toContain('<span class="legend warn">not read as an answer</span>');
    expect(tools).toContain('>answers not read as an answer only</option>');
    expect(tools).not.toMatch(/ a answer/);
    const roleplay = await (await app.request(`/console/runs/${lab.runIds[0]}/transcripts?testbed=role-play`, { headers: { cookie: cookie! } })).text();
    expect(roleplay).toContain('<span class="legend warn">not read as a choice</span>');
    const compare = await (await app.request('/console/compare', { headers: { cookie: cookie! } })).text();
    expect(compare).toContain('Pick two to six finished runs');
    // a report download is not kept by caches either
    const own = await app.request(`/console/runs/${lab.runIds[0]}/report.json`, { headers: { cookie: cookie! } });
    expect(own.headers.get('cache-control')).toBe('no-store');
  });

  it('the console leaderboard says a suite without a board instead of showing the default board', async () => {
    for (const [q, status, words] of [
      ['suite=nope', 400, 'suite: unknown suite &quot;nope&quot;; boards: atp-standard-v2'],
      ['suite=atp-quick-v1', 404, 'suite: suite &quot;atp-quick-v1&quot; has no leaderboard; boards: atp-standard-v2'],
      ['sweet=atp-standard-v2', 400, 'sweet: this page has no parameter &quot;sweet&quot;; it takes suite'],
    ] as const) {
      const res = await app.request(`/console/leaderboard?${q}`);
      expect(res.status, q).toBe(status);
      const text = await res.text();
      expect(text, q).toContain(words);
      expect(text, q).toContain('href="/console/leaderboard?suite=atp-standard-v2"');
      expect(text, q).not.toContain('<table class="list">');
    }
  });

  async function labWithRunsToken() {
    const { tokenFor } = await import('../support/deps.js');
    return (await tokenFor(ctx.deps, 'other-lab')).token;
  }
});
