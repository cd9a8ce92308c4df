import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveApp } from '../support/serve-app.js';
import type { Browser } from 'playwright-core';
import { createApp } from '../../src/app.js';
import { buildTestDeps, type TestContext } from '../support/deps.js';
import { hasChromium, launchChromium } from '../support/chromium.js';

describe.skipIf(!hasChromium())('/docs in headless Chromium', () => {
  let ctx: TestContext;
  let browser: Browser;
  let server: Awaited<ReturnType<typeof serveApp>>;
  let base: string;
  beforeAll(async () => {
    ctx = await buildTestDeps();
    browser = await launchChromium();
    server = await serveApp(createApp(ctx.deps));
    base = server.url;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await ctx.close();
  });

  it('renders the API reference from this server only (works offline)', async () => {
    const page = await browser.newPage();
    const foreign: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(base) && !r.url().startsWith('data:')) foreign.push(r.url());
    });
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    const res = await page.goto(`${base}/docs`);
    expect(res?.headers()['content-security-policy']).toMatch(/script-src 'self';.*frame-ancestors 'none'/);
    await page.waitForSelector('.swagger-ui .info .title', { timeout: 20_000 });
    expect(await page.textContent('.swagger-ui .info .title')).toContain('ATP Bench API');
    await page.waitForSelector('.opblock', { timeout: 20_000 });
    expect(await page.locator('.opblock').count()).toBeGreaterThan(10);
    expect(foreign).toEqual([]);
    // the page works under its CSP: nothing it needs was blocked
    expect(violations).toEqual([]);
    // "Try it out" calls this server, not the document's default http://localhost:8080
    const servers = await page.locator('.servers select option').allTextContents();
    expect(servers[0]).toContain(base);
    expect(await page.locator('.servers select').inputValue()).toBe(base);
    if (process.env.ATP_DOCS_SCREENSHOT) await page.screenshot({ path: process.env.ATP_DOCS_SCREENSHOT, fullPage: false });

    // a token entered in "Authorize" is not persisted in the browser's storage
    await page.click('button.authorize');
    await page.fill('.modal-ux input[type=text], .modal-ux input:not([type])', 'secret-docs-token-value-1234');
    await page.click('.modal-ux button.authorize[type=submit], .modal-ux .auth-btn-wrapper button.authorize');
    const stored = await page.evaluate('JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })');
    expect(String(stored)).not.toContain('secret-docs-token-value-1234');
  }, 60_000);
});
