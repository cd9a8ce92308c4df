// Renders the report page in headless Chromium and checks that the charts really lay out:
// every svg has a size and every series has a drawn path. Skipped where Chromium is not installed.

import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { renderReportHtml } from '../../src/scoring/html.js';
import { buildReport } from '../../src/scoring/report.js';
import { reportInput } from './fixtures.js';

const CHROMIUM = '/usr/bin/chromium';

describe.skipIf(!existsSync(CHROMIUM))('report HTML in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('lays out every chart and series without fetching anything', async () => {
    const page = await browser.newPage();
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.setContent(renderReportHtml(buildReport(reportInput()), { createdAt: '2025-01-02T03:04:05Z' }));

    expect(await page.title()).toContain('ATP Bench report');
    const charts = await page.$$eval('svg[data-chart]', (svgs) =>
      svgs.map((svg) => {
        const box = svg.getBoundingClientRect();
        // no DOM lib in tsconfig: describe the one SVG method used
        const lines = [...svg.querySelectorAll('path.series-line')] as unknown as { getTotalLength(): number }[];
        return {
          name: svg.getAttribute('data-chart'),
          width: box.width,
          height: box.height,
          legend: svg.querySelectorAll('.legend-label').length,
          lengths: lines.map((p) => p.getTotalLength()),
          bands: svg.querySelectorAll('.ci-band').length,
          cells: svg.querySelectorAll('rect.cell').length,
        };
      }),
    );
    expect(charts.map((c) => c.name)).toEqual(['role-play', 'role-play-levels', 'heatmap', 'tool-use', 'diffusion-t2', 'diffusion-t4']);
    for (const c of charts) {
      expect(c.width, c.name!).toBeGreaterThan(0);
      expect(c.height, c.name!).toBeGreaterThan(0);
      if (c.name === 'heatmap') {
        expect(c.cells).toBe(6);
        continue;
      }
      // one drawn path per legend entry, and a CI band per series
      expect(c.lengths.length, c.name!).toBe(c.legend);
      expect(c.lengths.every((l) => l > 0), c.name!).toBe(true);
      expect(c.bands, c.name!).toBeGreaterThanOrEqual(c.legend);
    }
    expect(charts.find((c) => c.name === 'role-play')!.legend).toBe(3);
    expect(errors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('about:') && !u.startsWith('data:'))).toEqual([]);
    await page.close();
  });
});
