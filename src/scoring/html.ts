// renderReportHtml: one self-contained, script-free HTML page for a report (GET /v1/runs/{id}/report.html).
// Inline SVG charts with table fallbacks; everything user- or model-supplied is escaped through `esc`.
// Pure: the caller passes createdAt, so the same report renders to the same bytes.

// Each testbed draws its own section (its module's `scoring.html`); this page adds the headline, baselines and
// metadata around them and iterates the registry, so it never names a testbed.

import { BUILTIN_TESTBEDS, type TestbedRegistry } from '../testbeds/registry.js';
import { num, signed, table } from './html-parts.js';
import type { BaselineReport, Report, SubjectReport } from './report-types.js';
import { stageDeviation } from './report.js';
import { esc, pct } from './svg.js';

export interface HtmlMeta {
  title?: string;
  /** ISO timestamp shown in the metadata table */
  createdAt?: string;
  /** the subject endpoint's display name */
  endpointName?: string;
}

interface Entity {
  /** legend text: label + role */
  name: string;
  r: SubjectReport;
  style: number;
}

// ---------------------------------------------------------------- sections

/** Every registered testbed's parts, in registry order; a section of an unregistered testbed is an error. */
function testbedSections(entities: Entity[], registry: TestbedRegistry, nextId: () => string): string[] {
  for (const e of entities) for (const id of Object.keys(e.r.testbeds)) registry.get(id);
  return registry.list().flatMap((m) =>
    m.scoring.html({
      entities: entities.map((e) => ({ name: e.name, label: e.r.label, style: e.style, section: e.r.testbeds[m.id] })),
      nextId,
    }),
  );
}

function headline(report: Report, registry: TestbedRegistry): string {
  const s = report.subject;
  const total = s.decisions.parsed + s.decisions.unparsed + (s.decisions.ambiguous ?? 0) + s.decisions.refused + s.decisions.truncated + s.decisions.error;
  const components = registry.ids.map((id) => {
    const tb = s.testbeds[id];
    const dev = stageDeviation(s.testbeds, id, 'last', registry);
    const text = !tb
      ? 'not in this suite'
      : tb.status === 'unsupported'
        ? 'unsupported by this endpoint — excluded from the score'
        : dev === null
          ? 'no parsed final-state decisions — excluded from the score'
          : `final-state deviation ${pct(dev)}`;
    return `<li><strong>${esc(id)}</strong>: ${esc(text)}</li>`;
  });
  return [
    `<section class="headline" aria-labelledby="score-h">`,
    `<h2 id="score-h">ATP robustness score</h2>`,
    `<p class="score"><span class="score-value">${s.score === null ? '–' : s.score.toFixed(2)}</span> / 100</p>`,
    s.lowValidity
      ? `<p class="warning" role="alert"><strong>Low validity:</strong> ${total - s.decisions.parsed} of ${total} decisions of the subject could not be parsed (more than 10%). Rates may be biased and this run cannot be submitted to the leaderboard.</p>`
      : '',
    `<p>100 × (1 − mean of the final-state deviation rates):</p><ul>${components.join('')}</ul>`,
    `</section>`,
  ].join('');
}

function baselinesSection(baselines: BaselineReport[], registry: TestbedRegistry): string {
  if (baselines.length === 0) return '';
  const rows = baselines.map((b) => [
    esc(b.label),
    esc(b.kind),
    esc(b.model),
    esc(num(b.score)) + (b.lowValidity ? ' <span class="flag">(low validity)</span>' : ''),
    ...registry.ids.map((id) => {
      const d = b.delta[id];
      if (!d) return '–';
      const interval = d.ci95 ? ` [${signed(d.ci95[0])}, ${signed(d.ci95[1])}]` : '';
      return esc(`${signed(d.delta)}${interval}${d.pValue !== null ? `, p=${d.pValue.toFixed(4)}` : ''}${d.paired ? '' : ' (unpaired)'}`);
    }),
    esc(num(b.alignmentRetention, 4)),
  ]);
  return [
    `<section aria-labelledby="bl-h"><h2 id="bl-h">Baselines</h2>`,
    table(
      'Baselines: final-state deviation minus the subject’s (negative = baseline deviates less) and alignment retention',
      ['Label', 'Kind', 'Model', 'Score', ...registry.list().map((m) => `Δ ${esc(m.scoring.shortName)}`), 'Alignment retention'],
      rows,
    ),
    `</section>`,
  ].join('');
}

function metadataSection(report: Report, meta: HtmlMeta): string {
  const s = report.subject;
  const rows: [string, string][] = [
    ['Run', report.runId],
    ['Suite', `${report.suite.id} (version ${report.suite.version})${report.custom ? ' — custom' : ''}`],
    ['Seed', String(report.seed)],
    ['Samples', String(report.samples)],
    ['Report schema', `${report.schemaVersion}, scorer ${report.scorerVersion}, reader ${report.readerVersion ?? '1'}`],
    ...(meta.createdAt ? ([['Created', meta.createdAt]] as [string, string][]) : []),
    ...(meta.endpointName ? ([['Endpoint', meta.endpointName]] as [string, string][]) : []),
    ['Endpoint id', s.endpointId],
    ['Model', s.model],
    ['Calls', `${s.calls.total} (retried ${s.calls.retried}, failed ${s.calls.failed})`],
    ['Tokens', `prompt ${s.calls.promptTokens}, completion ${s.calls.completionTokens}, reasoning ${s.calls.reasoningTokens}`],
    [
      'Decisions',
      `parsed ${s.decisions.parsed}, unparsed ${s.decisions.unparsed}, ambiguous ${s.decisions.ambiguous ?? 0}, refused ${s.decisions.refused}, truncated ${s.decisions.truncated}, error ${s.decisions.error}`,
    ],
  ];
  return [
    `<section aria-labelledby="md-h"><h2 id="md-h">Run metadata</h2>`,
    table('Run metadata', ['Field', 'Value'], rows.map(([k, v]) => [esc(k), esc(v)])),
    `</section>`,
  ].join('');
}

const CSS = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1100px;padding:1rem 1.5rem;color:#111;background:#fff;line-height:1.4}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
.score{font-size:1.2rem}.score-value{font-size:3rem;font-weight:700}
.warning{border-left:4px solid #b00020;background:#fdecee;padding:.5rem .75rem}
.note{color:#444;font-style:italic}.flag{color:#b00020}
figure{margin:1rem 0}svg{max-width:100%;height:auto;font-family:inherit}
.small-multiples{display:flex;flex-wrap:wrap;gap:1rem}.small-multiples figure{margin:0}
table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
details{margin:.5rem 0}
`;

// ---------------------------------------------------------------- page

/** The page of a report; `registry` must hold every testbed in the report (default: the built-ins). */
export function renderReportHtml(report: Report, meta: HtmlMeta = {}, registry: TestbedRegistry = BUILTIN_TESTBEDS): string {
  const entities: Entity[] = [
    { name: `${report.subject.label} (subject)`, r: report.subject, style: 0 },
    ...report.baselines.map((b, i) => ({ name: `${b.label} (${b.kind})`, r: b as SubjectReport, style: i + 1 })),
  ];
  let chartNo = 0;
  const nextId = (): string => `chart-${++chartNo}`; // per render, so ids are stable
  const title = meta.title ?? `ATP Bench report — ${report.subject.label}`;
  return [
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<title>${esc(title)}</title><style>${CSS}</style></head><body>`,
    `<header><h1>${esc(title)}</h1><p>Subject: <strong>${esc(report.subject.label)}</strong> — model ${esc(report.subject.model)}, suite ${esc(report.suite.id)} ${esc(report.suite.version)}</p></header>`,
    `<main>`,
    headline(report, registry),
    ...testbedSections(entities, registry, nextId),
    baselinesSection(report.baselines, registry),
    metadataSection(report, meta),
    `</main></body></html>`,
  ].join('\n');
}
