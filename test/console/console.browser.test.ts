import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createApp } from '../../src/app.js';
import { leaderboardEntries, runShares } from '../../src/db/schema.js';
import { startWorker, type Worker } from '../../src/runner/worker.js';
import { createRun } from '../../src/services/runs.js';
import { hasChromium, launchChromium } from '../support/chromium.js';
import { buildTestDeps, type TestContext } from '../support/deps.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/openai-server.js';
import { firstOption, hashPolicy } from '../support/policies.js';
import { serveApp } from '../support/serve-app.js';
import { labWithRuns } from './support.js';

const SHOTS = path.resolve('.tmp/screenshots');

describe.skipIf(!hasChromium())('the console in Chromium', () => {
  let ctx: TestContext;
  let worker: Worker;
  let browser: Browser;
  let server: Awaited<ReturnType<typeof serveApp>>;
  let base: string;
  let lab: Awaited<ReturnType<typeof labWithRuns>>;
  const models: FakeOpenAI[] = [];
  /** every request any console page made that did not go to the service's own origin */
  const foreign: string[] = [];

  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    ctx = await buildTestDeps();
    worker = startWorker(ctx.deps, { tickMs: 100 });
    server = await serveApp(createApp(ctx.deps));
    base = server.url;
    models.push(await startFakeOpenAI({ respond: hashPolicy }), await startFakeOpenAI({ respond: firstOption }));
    lab = await labWithRuns(ctx.deps, 'browser-lab', models[0], models[1]);
    // standard-suite runs take minutes: put a quick run on the standard board directly (the page reads the board as is)
    await ctx.deps.db.db.insert(leaderboardEntries).values({
      id: 'lbe_console', tenantId: lab.tenantId, runId: lab.runIds[1], model: 'acme-8b-dpo', family: 'acme-8b', variant: 'dpo',
      suiteId: 'atp-standard-v2', score: 61.5, ciLo: 50.1, ciHi: 70.2, submittedAt: new Date(),
    });
    browser = await launchChromium();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await worker?.stop();
    for (const m of models) await m.close();
    await ctx?.close();
  });

  async function newPage(context: BrowserContext): Promise<Page> {
    const page = await context.newPage();
    page.on('request', (r) => {
      if (!r.url().startsWith(base + '/')) foreign.push(r.url());
    });
    return page;
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

  async function signedIn(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await newPage(context);
    await page.goto(`${base}/console/runs`);
    expect(page.url()).toContain('/console/login');
    await shot(page, '01-sign-in');
    await page.fill('textarea[name=token]', lab.token);
    await page.click('button:has-text("Sign in")');
    await page.waitForURL(`${base}/console/runs`);
    return { context, page };
  }

  it('signs in and opens every page, loading nothing from elsewhere', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const landing = await newPage(context);
    await landing.goto(base + '/');
    await expect(landing.locator('h1').textContent()).resolves.toBe('ATP Bench');
    await shot(landing, '00-landing');
    await context.close();

    const { context: signed, page } = await signedIn();
    await expect(page.locator('table.list tbody tr').count()).resolves.toBe(2);
    await shot(page, '02-runs');
    await page.selectOption('select[name=status]', 'succeeded');
    await page.click('button:has-text("Filter")');
    await page.waitForURL(/status=succeeded/);

    await page.goto(`${base}/console/runs/${lab.runIds[0]}`);
    await expect(page.locator('.scorebox .score').textContent()).resolves.toMatch(/^\d+\.\d$/);
    // (browser-side code as a string: the test compiles without DOM types)
    await page.waitForFunction(`(() => {
      const f = document.querySelector('iframe.report-frame');
      return !!f?.contentDocument?.querySelector('svg[data-chart]') && f.getBoundingClientRect().height > 1000;
    })()`);
    await shot(page, '03-run-report');

    await page.goto(`${base}/console/endpoints`);
    await page.click(`form[action="/console/endpoints/${lab.subjectEndpoint.id}/probe"] button`);
    await expect(page.locator(".reading.good").textContent()).resolves.toMatch(/Ready: answered in \d+ ms/);
    await shot(page, '06-endpoints-probe');

    await page.goto(`${base}/console/leaderboard?suite=atp-standard-v2`);
    await shot(page, '07-leaderboard');
    await page.click('a:has-text("report")');
    await page.waitForURL(/\/console\/leaderboard\/runs\//);
    await expect(page.locator('.scorebox .score').count()).resolves.toBe(1);
    // a public page keeps the signed-in header (the session cookie covers the whole site)
    await expect(page.locator('header.top .signout button').count()).resolves.toBe(1);
    await shot(page, '07b-leaderboard-report');
    await page.goto(`${base}/console/runs?endpoint=nope`);
    await expect(page.locator('.error[role=alert]').textContent()).resolves.toMatch(/no endpoint named "nope"/);
    await shot(page, '02b-runs-unknown-endpoint');
    await page.goto(`${base}/console/runs?endpointId=${lab.subjectEndpoint.id}&status=succeeded&status=failed`);
    await expect(page.locator('.error[role=alert]').textContent()).resolves.toMatch(/it is called endpoint here/);
    await shot(page, '02c-runs-unknown-parameter');
    await page.goto(`${base}/console/runs/${lab.runIds[0]}/transcripts?episode=nope`);
    await expect(page.locator('.error[role=alert]').textContent()).resolves.toMatch(/this run has no episode "nope"/);
    await shot(page, '04c-transcripts-unknown-episode');
    // the public board page keeps the signed-in header too, in its own minimal markup
    await page.goto(`${base}/leaderboard`);
    await expect(page.locator('div.site .signout button').count()).resolves.toBe(1);
    await shot(page, '07c-public-leaderboard');
    await page.goto(`${base}/leaderboard?suite=nope`);
    await expect(page.locator('.error[role=alert]').textContent()).resolves.toMatch(/unknown suite "nope"/);
    await shot(page, '07d-public-leaderboard-no-board');
    await signed.close();
  }, 180_000);

  it('fits a phone screen: no page scrolls sideways, wide tables scroll on their own', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    const page = await newPage(context);
    await page.goto(`${base}/console/login`);
    await page.fill('textarea[name=token]', lab.token);
    await page.click('button:has-text("Sign in")');
    await page.waitForURL(/\/console\/runs/);
    const pages: Record<string, string> = {
      'phone-runs': '/console/runs',
      'phone-run': `/console/runs/${lab.runIds[0]}`,
      'phone-transcripts': `/console/runs/${lab.runIds[0]}/transcripts?testbed=role-play`,
      'phone-endpoints': '/console/endpoints',
      'phone-leaderboard': '/console/leaderboard?suite=atp-standard-v2',
      'phone-compare': `/console/compare?run=${lab.runIds[0]}&run=${lab.runIds[1]}`,
      'phone-runs-unknown-endpoint': '/console/runs?endpoint=nope',
      'phone-runs-unknown-parameter': `/console/runs?endpointId=${lab.subjectEndpoint.id}`,
      'phone-transcripts-unknown-episode': `/console/runs/${lab.runIds[0]}/transcripts?episode=nope`,
      'phone-public-leaderboard': '/leaderboard',
      'phone-public-leaderboard-no-board': '/leaderboard?suite=nope',
      'phone-logout': '/console/logout',
      'phone-leaderboard-report': `/console/leaderboard/runs/${lab.runIds[1]}`,
    };
    for (const [name, url] of Object.entries(pages)) {
      await page.goto(base + url);
      await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
      const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      const wide = await page.evaluate(`[...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && !e.closest('table')).slice(0, 5).map((e) => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).join(', ')`);
      expect(overflow, `${url} scrolls sideways by ${overflow} px (${wide})`).toBeLessThanOrEqual(1);
    }
    await context.close();
  }, 120_000);

  it('follows a live run to the end, then shows its report', async () => {
    const slow = await startFakeOpenAI({ respond: hashPolicy, latencyMs: 40 });
    models.push(slow);
    const { context, page } = await signedIn();
    const { runId } = await createRun(ctx.deps, lab.tenantId, { endpointId: lab.subjectEndpoint.id, suite: 'atp-quick-v1', seed: 7 });
    await page.goto(`${base}/console/runs/${runId}`);
    await expect(page.locator('[data-events]').count()).resolves.toBe(1);
    await shot(page, '04-run-live');
    await page.waitForSelector('.scorebox .score', { timeout: 240_000 });
    await expect(page.locator('.status').first().textContent()).resolves.toBe('succeeded');
    await context.close();
  }, 300_000);

  it('reads one episode turn by turn, and filters to deviant answers', async () => {
    const { context, page } = await signedIn();
    await page.goto(`${base}/console/runs/${lab.runIds[0]}/transcripts`);
    await page.selectOption('select[name=testbed]', 'role-play');
    await page.click('button:has-text("Show")');
    await page.waitForURL(/testbed=role-play/);
    const scenario = await page.locator('select[name=scenario] option').nth(1).getAttribute('value');
    await page.selectOption('select[name=scenario]', scenario!);
    await page.selectOption('select[name=who]', 'subject');
    await page.click('button:has-text("Show")');
    await page.waitForURL(/scenario=/);
    const episode = await page.locator('select[name=episode] option').nth(1).getAttribute('value');
    await page.selectOption('select[name=episode]', episode!);
    await page.click('button:has-text("Show")');
    await page.waitForURL(/episode=/);
    const rounds = await page.locator('article.turn h3').allTextContents();
    expect(rounds.length).toBeGreaterThan(1);
    expect(rounds[0]).toMatch(/^Round 1/);
    await expect(page.locator('article.turn .reading').first().textContent()).resolves.toMatch(/^Read:/);
    await shot(page, '05-transcript-episode');

    await page.goto(`${base}/console/runs/${lab.runIds[0]}/transcripts?testbed=role-play&reading=deviant`);
    const roles = await page.locator('article.turn .reading .role').allTextContents();
    expect(roles.length).toBeGreaterThan(0);
    expect(new Set(roles)).toEqual(new Set(['deviant']));
    await expect(page.locator('.pager-status').textContent()).resolves.toMatch(/^Model calls 1–\d+ of \d+$/);
    await shot(page, '05b-transcript-deviant');
    await context.close();
  }, 120_000);

  it('compares two runs of one suite version with per-testbed deltas', async () => {
    const { context, page } = await signedIn();
    await page.goto(`${base}/console/compare`);
    for (const id of lab.runIds) await page.check(`input[name=run][value="${id}"]`);
    await page.click('button:has-text("Compare")');
    await page.waitForURL(/run=.*run=/);
    await expect(page.locator('table.compare tbody tr').count()).resolves.toBe(4);
    await expect(page.locator('table.compare').textContent()).resolves.toMatch(/pp/);
    await shot(page, '08-compare');
    await context.close();
  }, 120_000);

  it('opens a share link without a token, and refuses it once revoked', async () => {
    const { context, page } = await signedIn();
    await page.goto(`${base}/console/runs/${lab.runIds[0]}`);
    await page.click('button:has-text("Create share link")');
    const link = await page.locator('a[data-share-link]').getAttribute('href');
    expect(link).toMatch(/^\/share\/shr_/);
    // its owner, signed in, opens it with the signed-in header; the report names the model, not "your model"
    const mine = await newPage(context);
    await mine.goto(base + link!);
    await expect(mine.locator('header.top .signout button').count()).resolves.toBe(1);
    await mine.waitForFunction(`!!document.querySelector('iframe.report-frame')?.contentDocument?.querySelector('svg')`);
    await expect(mine.frameLocator('iframe.report-frame').locator('header p').textContent()).resolves.toMatch(/^Evaluated model: /);
    await shot(mine, '09b-share-signed-in');
    await mine.close();

    const anonymous = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const shared = await newPage(anonymous);
    const res = await shared.goto(base + link!);
    expect(res?.status()).toBe(200);
    await expect(shared.locator('.scorebox .score').count()).resolves.toBe(1);
    await shared.waitForFunction(`!!document.querySelector('iframe.report-frame')?.contentDocument?.querySelector('svg')`);
    await shot(shared, '09-share');
    // the link opens the report only
    expect((await shared.goto(`${base}/console/runs/${lab.runIds[0]}`))?.url()).toContain('/console/login');

    // revoking every link asks first: dismissed, nothing is revoked; accepted, the links stop working
    page.once('dialog', (d) => void d.dismiss());
    await page.click('button:has-text("Revoke all links")');
    expect(await page.locator('.ok[role=status]').textContent()).toMatch(/Read-only link/);
    page.once('dialog', (d) => void d.accept());
    await page.click('button:has-text("Revoke all links")');
    await expect(page.locator('.ok[role=status]').textContent()).resolves.toMatch(/revoked/);
    expect((await shared.goto(base + link!))?.status()).toBe(404);
    await shot(shared, '10-share-revoked');
    await anonymous.close();
    await context.close();
  }, 120_000);

  it('refuses a form posted from another origin', async () => {
    const evil = http.createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(
        `<form id="f" method="post" action="${base}/console/runs/${lab.runIds[0]}/share"><input name="ttlHours" value="24"></form>` +
          `<script>document.getElementById('f').submit()</script>`,
      );
    });
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', () => r()));
    const evilUrl = `http://localhost:${(evil.address() as AddressInfo).port}/`;
    try {
      const before = (await ctx.deps.db.db.select().from(runShares)).length;
      const { context, page } = await signedIn();
      const responses: number[] = [];
      page.on('response', (r) => {
        if (r.url().includes('/share')) responses.push(r.status());
      });
      await page.goto(evilUrl);
      await page.waitForLoadState('load');
      await page.waitForURL(/\/console\//);
      expect(responses.length).toBeGreaterThan(0);
      expect(responses.every((s) => s === 403 || s === 303)).toBe(true);
      expect((await ctx.deps.db.db.select().from(runShares)).length).toBe(before);
      await context.close();
    } finally {
      await new Promise<void>((r) => evil.close(() => r()));
    }
    foreign.splice(0, foreign.length, ...foreign.filter((u) => !u.startsWith(evilUrl)));
  }, 120_000);

  it('made no request outside the service', () => {
    expect(foreign).toEqual([]);
  });
});
