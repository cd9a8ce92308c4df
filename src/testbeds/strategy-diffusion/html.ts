// The strategy-diffusion part of report.html: collusion per round for each threshold (small multiples), the
// transitions after a successful round, and the data table.
import { details, pWords, rateText, signed, table, tip, tippingText } from '../../scoring/html-parts.js';
import { esc, lineChart, pct, type ChartSeries } from '../../scoring/svg.js';
import type { Rate } from '../../scoring/report-base.js';
import type { HtmlEntity, HtmlSectionContext } from '../module.js';
import type { DiffusionReport } from './report-schema.js';

type WithSection = HtmlEntity<DiffusionReport> & { section: DiffusionReport };

const TITLE = 'Strategy diffusion (imitative collusion)';

function diffusionSection({ entities, nextId }: HtmlSectionContext<DiffusionReport>): string {
  const withData = entities.filter((e): e is WithSection => e.section?.status === 'ok');
  if (withData.length === 0) return '';
  const thresholds = [
    ...new Set(withData.flatMap((e) => e.section.byThreshold.map((t) => t.threshold))),
  ].sort((a, b) => a - b);
  const charts = thresholds.map((t) => {
    const series: ChartSeries[] = [];
    const xs: number[] = [];
    for (const e of withData) {
      const th = e.section.byThreshold.find((x) => x.threshold === t);
      if (!th) continue;
      xs.push(...th.rounds.map((r) => r.round));
      series.push({
        label: e.name,
        style: e.style,
        points: th.rounds.map((r) => ({
          x: r.round,
          y: r.rate,
          ci: r.ci95,
          tip: `${tip(e.name, `t = ${t}, round ${r.round}`, r)}; group success ${pct(r.groupSuccessRate)}`,
        })),
      });
    }
    // your model's control arm (feedback without the group outcome or pay) beside its treatment arm
    const subject = withData[0];
    const controlTh = subject?.style === 0 ? subject.section.control?.byThreshold?.find((x) => x.threshold === t) : undefined;
    if (controlTh?.rounds.length) {
      const name = `${subject.label} — control arm`;
      xs.push(...controlTh.rounds.map((r) => r.round));
      series.push({
        label: name,
        style: withData.length,
        points: controlTh.rounds.map((r) => ({ x: r.round, y: r.rate, ci: r.ci95, tip: tip(name, `t = ${t}, round ${r.round}`, r) })),
      });
    }
    return `<figure class="small">${lineChart({
      id: nextId(),
      dataChart: `diffusion-t${t}`,
      title: `Strategy diffusion: collusion rate per round at threshold t = ${t}`,
      desc: `Share of parsed agent decisions choosing the collusive option per round when at least ${t} colluders make the group succeed, with 95% intervals (episode-cluster from scorer 2.0.0: the agents of a game see each other).`,
      xLabel: 'Round',
      yLabel: 'Collusion rate',
      xs,
      series,
      width: 420,
    })}<figcaption>t = ${esc(t)}</figcaption></figure>`;
  });
  const rows = withData.flatMap((e) =>
    e.section.byThreshold.flatMap((th) =>
      th.rounds.map((r) => [esc(e.name), esc(th.threshold), esc(r.round), esc(rateText(r)), esc(pct(r.groupSuccessRate))]),
    ),
  );
  const transitions = withData.map((e) => {
    const d = e.section;
    // a transition rate from a single game has no interval (see clusterWilson): say so rather than leave a gap
    const text = (r: Rate) => (r.ci95 === null && r.n > 0 ? `${pct(r.rate)} (n=${r.n}${r.nonParsed ? `, non-parsed ${r.nonParsed}` : ''}; one game: no interval)` : rateText(r));
    return [esc(e.name), esc(text(d.reCollusion)), esc(text(d.conversion))];
  });
  const findings = withData.map((e) => {
    const d = e.section;
    const a = d.attributableDrift;
    const parts: string[] = [];
    if (a) {
      parts.push(
        a.estimate === null
          ? 'attributable drift: not estimable'
          : `attributable drift (treatment − control, ${a.n} paired games): ${signed(a.estimate)}${a.ci95 ? ` [${signed(a.ci95[0])}, ${signed(a.ci95[1])}]` : ''}, ${pWords(a.pValue)}`,
      );
    }
    if (d.tipping) parts.push(tippingText(d.tipping));
    return parts.length ? `<li><strong>${esc(e.name)}</strong>: ${esc(parts.join('; '))}</li>` : '';
  });
  const first = withData[0]?.section;
  const methods = [
    first?.byThreshold[0]?.rounds[0]?.method ? `Rates: ${first.byThreshold[0].rounds[0].method}` : undefined,
    first?.attributableDrift?.method ? `Attributable drift: ${first.attributableDrift.method}` : undefined,
  ].filter((m): m is string => !!m);
  return [
    `<section aria-labelledby="sd-h"><h2 id="sd-h">${esc(TITLE)}</h2>`,
    `<div class="small-multiples">${charts.join('')}</div>`,
    withData[0]?.section.control ? `<p class="note">The control arm plays the same games with feedback that shows neither the group outcome nor the pay: the gap between the arms is the drift the reward causes.</p>` : '',
    findings.some((f) => f) ? `<ul class="findings">${findings.join('')}</ul>` : '',
    methods.length ? `<p class="method">Method: ${methods.map((m) => esc(/[.!?]$/.test(m) ? m : `${m}.`)).join(' ')}</p>` : '',
    table(
      'After a successful group round: re-collusion P(collude in r+1 | colluded) and conversion P(collude in r+1 | did not collude)',
      ['', 'Re-collusion', 'Conversion'],
      transitions,
    ),
    details(
      'Strategy-diffusion data table',
      table('Collusion rate and group success per threshold and round', ['', 'Threshold', 'Round', 'Collusion', 'Group success'], rows),
    ),
    `</section>`,
  ].join('');
}

export const diffusionHtml = (ctx: HtmlSectionContext<DiffusionReport>): string[] => [diffusionSection(ctx)];
