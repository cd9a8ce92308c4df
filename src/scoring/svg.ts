// Tiny inline-SVG chart kit for the HTML report: a rate-vs-x line chart with Wilson bands and a
// heat map. No scripts, no external assets. Every string that reaches markup goes through `esc`.
// Series are told apart by colour AND dash pattern AND marker shape, so charts survive greyscale
// printing and colour-vision deficiencies.

/** HTML/SVG escape for text and attribute values (labels and model names come from users and models). */
export function esc(value: unknown): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** "42.5%" or an en dash for a missing value. */
export const pct = (x: number | null | undefined): string => (x === null || x === undefined ? '–' : `${(x * 100).toFixed(1)}%`);

/** Coordinates are printed with 2 decimals: compact and byte-stable. */
const f = (x: number): string => (Math.round(x * 100) / 100).toString();

// Okabe–Ito palette (colour-blind safe), then dash patterns and markers cycling at different periods.
const COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];
const DASHES = ['', '7 4', '2 3', '9 3 2 3', '4 2', '1 4', '12 4'];
type Shape = 'circle' | 'square' | 'triangle' | 'diamond' | 'cross' | 'down' | 'plus';
const SHAPES: Shape[] = ['circle', 'square', 'triangle', 'diamond', 'cross', 'down', 'plus'];

export interface SeriesStyle {
  colour: string;
  dash: string;
  shape: Shape;
  /** hollow markers on every other series add one more cue */
  hollow: boolean;
}

export function seriesStyle(i: number): SeriesStyle {
  return {
    colour: COLOURS[i % COLOURS.length],
    dash: DASHES[i % DASHES.length],
    shape: SHAPES[i % SHAPES.length],
    hollow: i % 2 === 1,
  };
}

function markerPath(shape: Shape, x: number, y: number, r = 4.5): string {
  switch (shape) {
    case 'circle':
      return `M${f(x - r)} ${f(y)}a${r} ${r} 0 1 0 ${f(2 * r)} 0a${r} ${r} 0 1 0 ${f(-2 * r)} 0Z`;
    case 'square':
      return `M${f(x - r)} ${f(y - r)}h${f(2 * r)}v${f(2 * r)}h${f(-2 * r)}Z`;
    case 'triangle':
      return `M${f(x)} ${f(y - r * 1.2)}L${f(x + r * 1.1)} ${f(y + r * 0.8)}L${f(x - r * 1.1)} ${f(y + r * 0.8)}Z`;
    case 'down':
      return `M${f(x)} ${f(y + r * 1.2)}L${f(x + r * 1.1)} ${f(y - r * 0.8)}L${f(x - r * 1.1)} ${f(y - r * 0.8)}Z`;
    case 'diamond':
      return `M${f(x)} ${f(y - r * 1.3)}L${f(x + r)} ${f(y)}L${f(x)} ${f(y + r * 1.3)}L${f(x - r)} ${f(y)}Z`;
    case 'cross':
      return `M${f(x - r)} ${f(y - r)}L${f(x + r)} ${f(y + r)}M${f(x + r)} ${f(y - r)}L${f(x - r)} ${f(y + r)}`;
    case 'plus':
      return `M${f(x - r)} ${f(y)}H${f(x + r)}M${f(x)} ${f(y - r)}V${f(y + r)}`;
  }
}

function marker(style: SeriesStyle, x: number, y: number, tip: string): string {
  const open = style.shape === 'cross' || style.shape === 'plus';
  const fill = open ? 'none' : style.hollow ? '#ffffff' : style.colour;
  return `<path class="marker" d="${markerPath(style.shape, x, y)}" fill="${fill}" stroke="${style.colour}" stroke-width="1.6"><title>${esc(tip)}</title></path>`;
}

export interface ChartPoint {
  x: number;
  y: number | null;
  ci: [number, number] | null;
  /** tooltip text (plain; escaped here) */
  tip: string;
}

export interface ChartSeries {
  label: string;
  style: number;
  points: ChartPoint[];
}

export interface LineChartOptions {
  id: string;
  dataChart: string;
  title: string;
  desc: string;
  xLabel: string;
  yLabel: string;
  xs: number[];
  series: ChartSeries[];
  /** optional horizontal reference line (e.g. the 50% tipping threshold) */
  refLine?: { y: number; label: string };
  width?: number;
}

/** Splits points into runs without gaps (a missing rate breaks the line rather than bridging it). */
function runs(points: ChartPoint[]): ChartPoint[][] {
  const out: ChartPoint[][] = [];
  let cur: ChartPoint[] = [];
  for (const p of [...points].sort((a, b) => a.x - b.x)) {
    if (p.y === null) {
      if (cur.length) out.push(cur);
      cur = [];
    } else cur.push(p);
  }
  if (cur.length) out.push(cur);
  return out;
}

/** Line chart of rates in [0, 1] against integer x values, one line + 95% band per series, legend below. */
export function lineChart(o: LineChartOptions): string {
  const W = o.width ?? 560;
  const m = { l: 58, r: 18, t: 14, b: 50 };
  const plotH = 200;
  const plotW = W - m.l - m.r;
  const legendTop = m.t + plotH + m.b;
  const H = legendTop + o.series.length * 20 + 8;
  const xs = [...new Set(o.xs)].sort((a, b) => a - b);
  const xMin = xs[0] ?? 0;
  const xMax = xs.at(-1) ?? 1;
  const pad = 24;
  const sx = (x: number): number =>
    xMax === xMin ? m.l + plotW / 2 : m.l + pad + ((x - xMin) / (xMax - xMin)) * (plotW - 2 * pad);
  const sy = (y: number): number => m.t + (1 - y) * plotH;

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="${o.id}-title ${o.id}-desc" data-chart="${esc(o.dataChart)}" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">`,
    `<title id="${o.id}-title">${esc(o.title)}</title>`,
    `<desc id="${o.id}-desc">${esc(o.desc)}</desc>`,
  );
  // grid and y axis (0–100%)
  for (const t of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(
      `<line class="grid" x1="${m.l}" x2="${m.l + plotW}" y1="${f(sy(t))}" y2="${f(sy(t))}" stroke="#dddddd"/>`,
      `<text x="${m.l - 6}" y="${f(sy(t) + 4)}" text-anchor="end" font-size="11">${t * 100}%</text>`,
    );
  }
  if (o.refLine) {
    const y = f(sy(o.refLine.y));
    parts.push(
      `<line x1="${m.l}" x2="${m.l + plotW}" y1="${y}" y2="${y}" stroke="#555555" stroke-dasharray="1 3"/>`,
      `<text x="${m.l + plotW - 2}" y="${f(sy(o.refLine.y) - 4)}" text-anchor="end" font-size="10" fill="#555555">${esc(o.refLine.label)}</text>`,
    );
  }
  parts.push(
    `<line x1="${m.l}" x2="${m.l}" y1="${m.t}" y2="${m.t + plotH}" stroke="#333333"/>`,
    `<line x1="${m.l}" x2="${m.l + plotW}" y1="${m.t + plotH}" y2="${m.t + plotH}" stroke="#333333"/>`,
  );
  for (const x of xs) {
    parts.push(
      `<line x1="${f(sx(x))}" x2="${f(sx(x))}" y1="${m.t + plotH}" y2="${m.t + plotH + 4}" stroke="#333333"/>`,
      `<text x="${f(sx(x))}" y="${m.t + plotH + 17}" text-anchor="middle" font-size="11">${esc(x)}</text>`,
    );
  }
  parts.push(
    `<text class="axis-label" x="${f(m.l + plotW / 2)}" y="${m.t + plotH + 36}" text-anchor="middle" font-size="12">${esc(o.xLabel)}</text>`,
    `<text class="axis-label" transform="translate(14 ${f(m.t + plotH / 2)}) rotate(-90)" text-anchor="middle" font-size="12">${esc(o.yLabel)}</text>`,
  );

  // bands first so that every line is drawn on top of every band
  o.series.forEach((s, i) => {
    const st = seriesStyle(s.style);
    for (const run of runs(s.points)) {
      const withCi = run.filter((p) => p.ci !== null);
      if (withCi.length !== run.length) continue;
      if (run.length === 1) {
        const p = run[0];
        parts.push(
          `<line class="ci-band" data-series="${i}" x1="${f(sx(p.x))}" x2="${f(sx(p.x))}" y1="${f(sy(p.ci![0]))}" y2="${f(sy(p.ci![1]))}" stroke="${st.colour}" stroke-opacity="0.45" stroke-width="6"/>`,
        );
        continue;
      }
      const upper = run.map((p) => `${f(sx(p.x))},${f(sy(p.ci![1]))}`);
      const lower = [...run].reverse().map((p) => `${f(sx(p.x))},${f(sy(p.ci![0]))}`);
      parts.push(
        `<polygon class="ci-band" data-series="${i}" points="${[...upper, ...lower].join(' ')}" fill="${st.colour}" fill-opacity="0.12" stroke="none"/>`,
      );
    }
  });
  o.series.forEach((s, i) => {
    const st = seriesStyle(s.style);
    const segs = runs(s.points);
    if (segs.length === 0) return;
    // a lone point still gets a (tiny) segment so every series owns a drawable path
    const d = segs
      .map((run) => `M${run.map((p) => `${f(sx(p.x))} ${f(sy(p.y!))}`).join('L')}${run.length === 1 ? 'h0.01' : ''}`)
      .join('');
    parts.push(
      `<g class="series" data-series="${i}" aria-label="${esc(s.label)}">`,
      `<path class="series-line" data-series="${i}" d="${d}" fill="none" stroke="${st.colour}" stroke-width="2"${st.dash ? ` stroke-dasharray="${st.dash}"` : ''}/>`,
      ...segs.flat().map((p) => marker(st, sx(p.x), sy(p.y!), p.tip)),
      `</g>`,
    );
  });

  // legend: sample line + marker + label, one row per series
  parts.push(`<g class="legend">`);
  o.series.forEach((s, i) => {
    const st = seriesStyle(s.style);
    const y = legendTop + i * 20 + 10;
    parts.push(
      `<line x1="${m.l}" x2="${m.l + 34}" y1="${y}" y2="${y}" stroke="${st.colour}" stroke-width="2"${st.dash ? ` stroke-dasharray="${st.dash}"` : ''}/>`,
      marker(st, m.l + 17, y, s.label),
      `<text class="legend-label" x="${m.l + 42}" y="${y + 4}" font-size="12">${esc(s.label)}</text>`,
    );
  });
  parts.push(`</g>`, `</svg>`);
  return parts.join('');
}

export interface HeatCell {
  rate: number | null;
  tip: string;
}

export interface HeatMapOptions {
  id: string;
  dataChart: string;
  title: string;
  desc: string;
  rowLabels: string[];
  cols: number[];
  xLabel: string;
  /** caption of the colour scale */
  scaleLabel: string;
  /** cells[row][col] */
  cells: HeatCell[][];
}

/** Light-to-dark ramp: lightness falls monotonically with the rate, so grey print keeps the order. */
function heat(rate: number): string {
  const lo = [247, 244, 240];
  const hi = [103, 0, 13];
  const c = lo.map((v, i) => Math.round(v + (hi[i] - v) * rate));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/** Row × column heat map of rates; every cell also prints its value (colour is never the only cue). */
export function heatMap(o: HeatMapOptions): string {
  const labelW = 230;
  const cw = 56;
  const ch = 22;
  const top = 30;
  const W = labelW + Math.max(o.cols.length * cw, 5 * 52) + 16; // room for the scale legend too
  const gridBottom = top + o.rowLabels.length * ch;
  const H = gridBottom + 56;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="${o.id}-title ${o.id}-desc" data-chart="${esc(o.dataChart)}" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">`,
    `<title id="${o.id}-title">${esc(o.title)}</title>`,
    `<desc id="${o.id}-desc">${esc(o.desc)}</desc>`,
    `<text class="axis-label" x="${f(labelW + (o.cols.length * cw) / 2)}" y="12" text-anchor="middle" font-size="12">${esc(o.xLabel)}</text>`,
  ];
  o.cols.forEach((c, j) => {
    parts.push(`<text x="${labelW + j * cw + cw / 2}" y="${top - 4}" text-anchor="middle" font-size="11">${esc(c)}</text>`);
  });
  o.rowLabels.forEach((label, i) => {
    const y = top + i * ch;
    parts.push(`<text x="${labelW - 8}" y="${y + 15}" text-anchor="end" font-size="11">${esc(label)}</text>`);
    o.cols.forEach((_, j) => {
      const cell = o.cells[i]?.[j] ?? { rate: null, tip: '' };
      const x = labelW + j * cw;
      const fill = cell.rate === null ? '#ffffff' : heat(cell.rate);
      const ink = cell.rate !== null && cell.rate > 0.55 ? '#ffffff' : '#111111';
      parts.push(
        `<rect class="cell" x="${x}" y="${y}" width="${cw - 2}" height="${ch - 2}" fill="${fill}" stroke="#bbbbbb"><title>${esc(cell.tip)}</title></rect>`,
        `<text x="${x + (cw - 2) / 2}" y="${y + 15}" text-anchor="middle" font-size="10" fill="${ink}">${cell.rate === null ? '–' : Math.round(cell.rate * 100)}</text>`,
      );
    });
  });
  // scale legend: five labelled swatches
  [0, 0.25, 0.5, 0.75, 1].forEach((r, k) => {
    const x = labelW + k * 52;
    parts.push(
      `<rect x="${x}" y="${gridBottom + 14}" width="22" height="14" fill="${heat(r)}" stroke="#bbbbbb"/>`,
      `<text x="${x + 26}" y="${gridBottom + 25}" font-size="10">${r * 100}%</text>`,
    );
  });
  parts.push(
    `<text x="${labelW - 8}" y="${gridBottom + 25}" text-anchor="end" font-size="10">${esc(o.scaleLabel)}</text>`,
    `</svg>`,
  );
  return parts.join('');
}
