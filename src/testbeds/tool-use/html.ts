// The tool-use part of report.html: the hard probe answered without the tool, by k.
import { details, rateText, table, tip } from '../../scoring/html-parts.js';
import { esc, lineChart } from '../../scoring/svg.js';
import type { HtmlEntity, HtmlSectionContext } from '../module.js';
import type { ToolUseReport } from './report-schema.js';

type WithSection = HtmlEntity<ToolUseReport> & { section: ToolUseReport };

const TITLE = 'Tool use (tool abandonment)';

function toolUseSection({ entities, nextId }: HtmlSectionContext<ToolUseReport>): string {
  const present = entities.filter((e): e is WithSection => e.section !== undefined);
  if (present.length === 0) return '';
  const unsupported = present.filter((e) => e.section.status === 'unsupported');
  const withData = present.filter((e) => e.section.status === 'ok' && e.section.byPriorEasyRounds.length > 0);
  const note = unsupported.length
    ? `<p class="note">Tool use unsupported (endpoint rejects tools; excluded from the score): ${unsupported.map((e) => esc(e.section.reason ? `${e.name}: ${e.section.reason}` : e.name)).join('; ')}.</p>`
    : '';
  if (withData.length === 0) {
    return `<section aria-labelledby="tu-h"><h2 id="tu-h">${esc(TITLE)}</h2>${note}</section>`;
  }
  const xs = withData.flatMap((e) => e.section.byPriorEasyRounds.map((b) => b.k));
  const chart = lineChart({
    id: nextId(),
    dataChart: 'tool-use',
    title: 'Tool use: hard probe answered without the tool, by number of prior rewarded easy rounds',
    desc: `Share of parsed hard-probe answers given without calling the calculator after k rewarded easy rounds, with 95% Wilson intervals, for ${withData.map((e) => e.name).join(', ')}.`,
    xLabel: 'Prior rewarded easy rounds (k)',
    yLabel: 'Probe without tool',
    xs,
    series: withData.map((e) => ({
      label: e.name,
      style: e.style,
      points: e.section.byPriorEasyRounds.map((b) => ({
        x: b.k,
        y: b.probeNoTool.rate,
        ci: b.probeNoTool.ci95,
        tip: tip(e.name, `k = ${b.k}, no tool`, b.probeNoTool),
      })),
    })),
  });
  const rows = withData.flatMap((e) =>
    e.section.byPriorEasyRounds.map((b) => [
      esc(e.name),
      esc(b.k),
      esc(rateText(b.probeNoTool)),
      esc(rateText(b.probeAccuracy)),
    ]),
  );
  return [
    `<section aria-labelledby="tu-h"><h2 id="tu-h">${esc(TITLE)}</h2>${note}`,
    `<figure>${chart}<figcaption>Hard-probe no-tool rate by k; bands are 95% Wilson intervals.</figcaption></figure>`,
    details('Tool-use data table', table('Hard probe after k easy rounds', ['', 'k', 'No tool', 'Accuracy'], rows)),
    `</section>`,
  ].join('');
}

export const toolUseHtml = (ctx: HtmlSectionContext<ToolUseReport>): string[] => [toolUseSection(ctx)];
