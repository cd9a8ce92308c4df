import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveApp } from '../support/serve-app.js';
import type { Browser } from 'playwright-core';
import { createApp } from '../../src/app.js';
import { startWorker, type Worker } from '../../src/runner/worker.js';
import { createRun } from '../../src/services/runs.js';
import { buildTestDeps, tokenFor, type TestContext } from '../support/deps.js';
import { hasChromium, launchChromium } from '../support/chromium.js';
import { createEndpointRow } from '../support/fixtures.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/openai-server.js';
import { firstOption, hashPolicy } from '../support/policies.js';
import { waitForRun } from '../support/runs.js';

describe.skipIf(!hasChromium())('GET /v1/runs/{id}/report.html in Chromium', () => {
  let ctx: TestContext;
  let worker: Worker;
  let browser: Browser;
  let server: Awaited<ReturnType<typeof serveApp>>;
  let base: string;
  const models: FakeOpenAI[] = [];

  beforeAll(async () => {
    ctx = await buildTestDeps();
    worker = startWorker(ctx.deps, { tickMs: 100 });
    browser = await launchChromium();
    server = await serveApp(createApp(ctx.deps));
    base = server.url;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await worker.stop();
    for (const m of models) await m.close();
    await ctx.close();
  });

  it('renders charts for each testbed and each baseline, fetching nothing else', async () => {
    const subject = await startFakeOpenAI({ respond: hashPolicy, model: '<script>alert("x")</script>' });
    const dpo = await startFakeOpenAI({ respond: firstOption });
    models.push(subject, dpo);
    const { tenantId, token } = await tokenFor(ctx.deps, 'html-lab');
    const s = await createEndpointRow(ctx.deps, tenantId, { baseUrl: subject.url, name: 'acme <b>8b</b>', maxConcurrency: 32 });
    const b = await createEndpointRow(ctx.deps, tenantId, { baseUrl: dpo.url, family: 'acme-8b', variant: 'dpo', maxConcurrency: 32 });
    const { runId } = await createRun(ctx.deps, tenantId, {
      endpointId: s.id,
      suite: 'atp-quick-v1',
      baselines: { endpointIds: [b.id], promptAligned: true },
    });
    expect((await waitForRun(ctx.deps, runId, 120_000)).status).toBe('succeeded');

    const page = await browser.newPage({ extraHTTPHeaders: { authorization: `Bearer ${token}` } });
    const requests: string[] = [];
    const dialogs: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const res = await page.goto(`${base}/v1/runs/${runId}/report.html`);
    expect(res?.status()).toBe(200);
    expect(requests).toEqual([`${base}/v1/runs/${runId}/report.html`]);
    expect(dialogs).toEqual([]);

    const charts = await page.$$eval('svg[data-chart]', (svgs) =>
      svgs.map((svg) => ({
        name: svg.getAttribute('data-chart'),
        width: svg.getBoundingClientRect().width,
        text: svg.textContent ?? '',
        paths: svg.querySelectorAll('path').length,
      })),
    );
    expect(charts.map((c) => c.name)).toEqual(expect.arrayContaining(['role-play', 'heatmap', 'tool-use', 'diffusion-t4']));
    for (const c of charts) expect(c.width, c.name!).toBeGreaterThan(0);
    for (const name of ['role-play', 'tool-use', 'diffusion-t4']) {
      const chart = charts.find((c) => c.name === name)!;
      for (const label of ['acme-8b/dpo', 'prompt-aligned']) expect(chart.text, `${name} legend`).toContain(label);
      expect(chart.paths).toBeGreaterThan(2);
    }
    const body = await page.content();
    expect(body).not.toContain('<b>8b</b>');
    expect(body).not.toContain('<script>alert');
  }, 180_000);
});
