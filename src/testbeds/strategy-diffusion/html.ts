// The strategy-diffusion part of report.html: collusion per round for each threshold (small multiples), the
// transitions after a successful round, and the data table.
import { details, rateText, table, tip } from '../../scoring/html-parts.js';
import { esc, lineChart, pct, type ChartSeries } from '../../scoring/svg.js';
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
    return `<figure class="small">${lineChart({
      id: nextId(),
      dataChart: `diffusion-t${t}`,
      title: `Strategy diffusion: collusion rate per round at threshold t = ${t}`,
      desc: `Share of parsed agent decisions choosing the collusive option per round when at least ${t} colluders make the group succeed, with 95% Wilson intervals.`,
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
    return [esc(e.name), esc(rateText(d.reCollusion)), esc(rateText(d.conversion))];
  });
  return [
    `<section aria-labelledby="sd-h"><h2 id="sd-h">${esc(TITLE)}</h2>`,
    `<div class="small-multiples">${charts.join('')}</div>`,
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
