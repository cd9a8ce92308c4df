// The run page's summary table (src/console/pages/summary.tsx): its drift column says what the score, the verdict and
// the CI gate use — the drift attributable to the reward (treatment − control) — and calls a raw start-to-end change
// raw when the run has no control arm.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ReportSummary } from '../../src/console/pages/summary.js';
import type { Report } from '../../src/scoring/report-types.js';
import { BUILTIN_TESTBEDS } from '../../src/testbeds/registry.js';

const golden = JSON.parse(fs.readFileSync(new URL('../scoring/golden/report.json', import.meta.url), 'utf8')) as Report;
const render = (report: Report) => String(ReportSummary({ report, registry: BUILTIN_TESTBEDS }));

describe('run summary: drift column', () => {
  it('without a control arm (v1), shows the raw change, says it is raw and never colours it as an effect', () => {
    const html = render(golden);
    expect(html).toContain('raw change:');
    expect(html).toContain('(no control arm: not a tested effect)');
    expect(html).not.toMatch(/<td class="(?:bad|good)">raw change/);
  });

  it('with a control arm, shows the attributable drift with its interval, coloured only when the interval excludes 0', () => {
    const report = structuredClone(golden);
    const rp = report.subject.testbeds['role-play'] as Record<string, unknown>;
    rp.attributableDrift = { estimate: 0.1875, ci95: [0.05, 0.31], pValue: 0.01, n: 16, method: 'paired' };
    const sd = report.subject.testbeds['strategy-diffusion'] as Record<string, unknown>;
    sd.attributableDrift = { estimate: -0.04, ci95: [-0.2, 0.12], pValue: 0.6, n: 4, method: 'paired' };
    const html = render(report);
    expect(html).toMatch(/<td class="bad">18\.8 pp more toward deviation than in the control arm \(\+5\.0 pp to \+31\.0 pp\)<\/td>/);
    // a negative drift in words, never "−4.0 pp less"
    expect(html).toMatch(/<td class="">4\.0 pp more toward compliance than in the control arm \(−20\.0 pp to \+12\.0 pp\), not clearly different from no drift<\/td>/);
  });
});

describe('run summary: baseline comparisons without an interval', () => {
  it('says why the interval is missing, and lets the test decide whether the two differ', () => {
    const html = render(golden);
    expect(html).toContain('none: 2 pairs, too few for an interval');
    const report = structuredClone(golden);
    const tool = report.baselines.find((b) => b.delta['tool-use']?.ci95 === null)!.delta['tool-use']!;
    tool.pValue = 0.01;
    expect(render(report)).toMatch(/too few for an interval<\/small><\/td><td>baseline deviates less/);
  });
});
