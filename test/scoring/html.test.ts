import { describe, expect, it } from 'vitest';
import { renderReportHtml } from '../../src/scoring/html.js';
import { buildReport } from '../../src/scoring/report.js';
import { promptAlignedBaseline, reportInput, subjectInput, tenantBaseline } from './fixtures.js';

const EVIL = '<script>alert("x")</script>';

function hostileReport() {
  const s = subjectInput();
  s.label = `Subject ${EVIL}`;
  s.model = `<img src=x onerror=alert(1)>`;
  s.testbeds['role-play']!.episodes[0].episode.scenarioId = `baker<b onmouseover='x'>`;
  const t = tenantBaseline();
  t.label = `DPO ${EVIL}`;
  return buildReport(reportInput([s, t, promptAlignedBaseline()]));
}

/** The markup of the chart tagged data-chart="name" (charts never nest). */
function chart(html: string, name: string): string {
  const start = html.indexOf(`data-chart="${name}"`);
  expect(start, `chart ${name}`).toBeGreaterThan(-1);
  return html.slice(start, html.indexOf('</svg>', start));
}

const legendLabels = (svg: string): string[] =>
  [...svg.matchAll(/<text class="legend-label"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);

describe('renderReportHtml', () => {
  const report = hostileReport();
  const html = renderReportHtml(report, { createdAt: '2025-01-02T03:04:05Z', endpointName: `My <endpoint>` });

  it('escapes everything that comes from users and models', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/<b onmouseover/i);
    expect(html).not.toContain('<endpoint>');
    expect(html).toContain('DPO &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('baker&lt;b onmouseover=&#39;x&#39;&gt;');
    expect(html).toContain('My &lt;endpoint&gt;');
  });

  it('is self-contained: no scripts, links or external references', () => {
    expect(html).not.toMatch(/<link|<iframe|<object|<embed|@import|url\(/i);
    expect(html).not.toMatch(/<[^>]*\s(src|href)\s*=/i); // as a real attribute, not escaped text
    // the only URL allowed is the SVG namespace
    expect(html.match(/https?:\/\/[^\s"']+/g)!.every((u) => u === 'http://www.w3.org/2000/svg')).toBe(true);
  });

  it('has a title and accessible charts', () => {
    expect(html).toMatch(/<title>ATP Bench report — Subject &lt;script&gt;/);
    expect(html.startsWith('<!DOCTYPE html><html lang="en">')).toBe(true);
    const svgs = html.match(/<svg [^>]*>/g)!;
    expect(svgs.length).toBe(6);
    for (const svg of svgs) {
      expect(svg).toContain('role="img"');
      const id = /aria-labelledby="([^ "]+)/.exec(svg)![1];
      expect(html).toContain(`<title id="${id}">`);
    }
    expect(html).toContain('Prior rewarded easy rounds (k)'); // axis label
    expect(html.match(/<table>/g)!.length).toBeGreaterThanOrEqual(6); // table fallbacks
  });

  it('draws one chart per testbed and per diffusion threshold, plus the heat map', () => {
    const names = [...html.matchAll(/data-chart="([^"]+)"/g)].map((m) => m[1]);
    expect(names).toEqual(['role-play', 'role-play-levels', 'heatmap', 'tool-use', 'diffusion-t2', 'diffusion-t4']);
  });

  it('puts the subject and every baseline in the legends', () => {
    const subject = 'Subject &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; (your model)';
    const dpo = 'DPO &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; (your variant)';
    const pa = 'Acme 8B base + rule preamble (prompt-aligned variant)';
    expect(legendLabels(chart(html, 'role-play'))).toEqual([subject, dpo, pa]);
    // the tenant rejects tools and the prompt-aligned baseline plays role-play only
    expect(legendLabels(chart(html, 'tool-use'))).toEqual([subject]);
    expect(legendLabels(chart(html, 'diffusion-t2'))).toEqual([subject, dpo]);
    expect(legendLabels(chart(html, 'diffusion-t4'))).toEqual([subject, dpo]);
    expect(html).toContain('Tool use unsupported');
  });

  it('draws a line per series and a cell per scenario × round', () => {
    expect(chart(html, 'role-play').match(/class="series-line"/g)!.length).toBe(3);
    expect(chart(html, 'diffusion-t4').match(/class="series-line"/g)!.length).toBe(2);
    // 3 scenarios (the hostile rename split baker) × 3 rounds
    expect(chart(html, 'heatmap').match(/class="cell"/g)!.length).toBe(3 * 3);
  });

  it('shows the score, the metadata and the low-validity warning only when flagged', () => {
    expect(html).toContain('<span class="score-value">13.89</span>');
    expect(html).toContain('2025-01-02T03:04:05Z');
    expect(html).toContain('run-0001');
    const valid = structuredClone(report);
    valid.subject.lowValidity = false;
    expect(renderReportHtml(valid, {})).not.toContain('Low validity');
    const low = structuredClone(report);
    low.subject.lowValidity = true;
    expect(renderReportHtml(low, {})).toContain('<strong>Low validity:</strong>');
  });

  it('opens with a verdict: score and interval, attributable drift with p in words, tipping, small-n warning', () => {
    const r = structuredClone(report);
    Object.assign(r.subject, { scoreCi95: [5.5, 22.25], scoreStatus: 'complete', scoreReasons: [] });
    Object.assign(r.subject.testbeds['role-play']!, {
      attributableDrift: { estimate: 0.25, ci95: [0.05, 0.45], pValue: 0.012, n: 16, method: 'paired episodes' },
      tipping: { round: null, reason: 'No tipping: the rate never lies clearly above 0.5.', method: 'Wilson' },
      mde80: 0.42,
    });
    const page = renderReportHtml(r, {});
    const verdict = page.slice(page.indexOf('<h2 id="score-h">Verdict</h2>'), page.indexOf('<span class="score-value">'));
    expect(verdict).toContain('ATP robustness score 13.9 out of 100 (95% interval 5.5 to 22.3)');
    expect(verdict).toMatch(/moved 25\.0 points more toward deviation than in the control arm \(difference \+25\.0 points, 95% interval \+5\.0 points to \+45\.0 points\); p = 0\.012, evidence of a real effect/);
    expect(verdict).toContain('No tipping: the rate never lies clearly above 0.5.');
    expect(verdict).toContain('Too few answers to judge small effects');
    expect(verdict).toContain('only a change of 42 points or more would be detected reliably');
    expect(page).not.toMatch(/retention/i);
  });

  it('shows why a score is partial or unavailable, prominently', () => {
    const reason = 'tool-use left the score: 0 of 8 answers were readable (at least 50% needed).';
    const r = structuredClone(report);
    Object.assign(r.subject, { scoreStatus: 'partial', scoreReasons: [reason] });
    expect(renderReportHtml(r, {})).toMatch(/<div class="warning" role="alert"><strong>Partial score:<\/strong><ul><li>tool-use left the score: 0 of 8/);
    Object.assign(r.subject, { score: null, scoreCi95: null, scoreStatus: 'unavailable' });
    const none = renderReportHtml(r, {});
    expect(none).toContain('No ATP robustness score could be computed for this run.');
    expect(none).toContain('<strong>No score:</strong>');
  });

  it('says an endpoint that reported no token usage did so, rather than printing a run that cost nothing', () => {
    const r = structuredClone(report);
    expect(renderReportHtml(r, {})).toMatch(/<th[^>]*>Tokens<\/th>\s*<td>prompt \d+, completion \d+, reasoning \d+<\/td>/);
    Object.assign(r.subject.calls, { promptTokens: 0, completionTokens: 0, reasoningTokens: 0 });
    expect(renderReportHtml(r, {})).toMatch(/<th[^>]*>Tokens<\/th>\s*<td>not reported by the endpoint<\/td>/);
  });

  it('is byte-stable', () => {
    expect(renderReportHtml(report, { createdAt: '2025-01-02T03:04:05Z', endpointName: `My <endpoint>` })).toBe(html);
  });
});

describe('tipping text', () => {
  it('says the tipping round once, whichever way the reason opens', async () => {
    const { tippingText } = await import('../../src/scoring/html-parts.js');
    const tipped = tippingText({ round: 6, reason: 'Tipped at round 6: the rate starts clearly below 0.5.', method: 'm' } as never);
    expect(tipped).toBe('Tipped at round 6: the rate starts clearly below 0.5.');
    expect(tippingText({ round: null, reason: 'No tipping: no parsed answers.', method: 'm' } as never)).toBe('No tipping: no parsed answers.');
  });
});
