// The validation figures as tables: one model of rows and cells, rendered as plain text for the terminal, as
// Markdown for docs/validity.md, and as JSON (`--json`).
import { SCRIPTED_AGENT_KINDS } from '../../src/sim/scripted/index.js';
import { isV1 } from './expectations.js';
import { coverageError, SMALL_N, TARGETS, type AgentFigures, type CoverageFigure, type Status } from './measure.js';
import type { SuiteFigures } from './run.js';

export interface Table {
  title: string;
  /** one line under the title: what the rows say and the target */
  note: string;
  header: string[];
  rows: string[][];
}

export interface SuiteTables {
  suite: string;
  seeds: number;
  truthSeeds: number;
  seconds: number;
  scorerVersion: string | null;
  tables: Table[];
  pass: number;
  miss: number;
}

/** at or below this n a Wilson interval cannot be exactly 95% (it covers more): a wide miss there is discreteness */
const TINY_N = 5;

const pct = (x: number | null | undefined, digits = 1) => (x === null || x === undefined || Number.isNaN(x) ? '—' : `${(100 * x).toFixed(digits)}%`);
const num = (x: number | null | undefined, digits = 2) => (x === null || x === undefined || Number.isNaN(x) ? '—' : x.toFixed(digits));

function agentsOf(s: SuiteFigures): AgentFigures[] {
  return SCRIPTED_AGENT_KINDS.map((k) => s.agents.find((a) => a.agent === k)).filter((a): a is AgentFigures => a !== undefined);
}

function coverageCell(c: CoverageFigure | undefined): string {
  if (!c) return '';
  if (c.status === 'DEGENERATE') return 'degenerate';
  const small = c.smallN ? `small n: Wilson ${pct(c.wilsonReference)} at n = ${c.medianN}` : null;
  const notes = [c.direction, small].filter((x) => x !== null);
  return `${pct(c.coverage)} ${c.status}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`;
}

function kindsOf<T extends { kind: string }>(agents: AgentFigures[], pick: (a: AgentFigures) => T[]): string[] {
  const seen: string[] = [];
  for (const a of agents) for (const x of pick(a)) if (!seen.includes(x.kind)) seen.push(x.kind);
  return seen;
}

export function suiteTables(s: SuiteFigures): SuiteTables {
  const agents = agentsOf(s);
  const names = agents.map((a) => a.agent);
  let pass = 0;
  let miss = 0;
  const count = (st: Status | 'DEGENERATE') => {
    if (st === 'PASS') pass++;
    else if (st === 'MISS') miss++;
  };
  const tables: Table[] = [];

  // coverage matrix
  const covKinds = kindsOf(agents, (a) => a.coverage);
  tables.push({
    title: 'Coverage of 95% intervals',
    note: `share of intervals that contain the true value; target ${pct(TARGETS.coverage.lo, 0)}–${pct(TARGETS.coverage.hi, 0)} (above ${pct(TARGETS.coverage.hi, 0)} met within twice the simulation's error); "small n": a descriptive rate at n ≤ ${SMALL_N} with a known true rate, judged against the exact coverage of an ideal Wilson interval at that n and rate (± twice the Monte Carlo error), which no fixed interval can beat`,
    header: ['interval', ...names],
    rows: covKinds.map((kind) => [
      kind,
      ...agents.map((a) => {
        const c = a.coverage.find((x) => x.kind === kind);
        if (c) count(c.status);
        return coverageCell(c);
      }),
    ]),
  });

  // the misses in detail: how far off and why
  const misses = agents.flatMap((a) => a.coverage.filter((c) => c.status === 'MISS').map((c) => ({ a, c })));
  if (misses.length > 0) {
    tables.push({
      title: 'Coverage misses in detail',
      note: 'MC ± = Monte Carlo standard error (seeds as clusters); median n = decisions, pairs or episodes behind one interval ; Wilson at n = the exact coverage of an ideal Wilson interval at that n and true rate with independent answers (a miss equal to it is the discreteness of small n, not a flaw); SE ratio = interval half-width ÷ 1.96 over the estimate\'s SD across seeds (< 1: too narrow, > 1: too wide)',
      header: ['agent', 'interval', 'coverage', 'MC ±', 'intervals judged', 'median n', 'Wilson at n', 'SE ratio', 'truth from', 'worst element'],
      rows: misses.map(({ a, c }) => [
        a.agent,
        c.kind,
        pct(c.coverage),
        pct(c.mcSe),
        String(c.judged),
        c.medianN === null ? '—' : String(c.medianN),
        pct(c.wilsonReference),
        num(c.seRatio),
        c.truth,
        c.worst ? `${c.worst.path} ${pct(c.worst.coverage, 0)}` : '—',
      ]),
    });
  }

  // false positives
  const fpKinds = kindsOf(agents, (a) => a.falsePositives);
  tables.push({
    title: 'False-positive rate of every test at α = 0.05',
    note: `share of p-values below 0.05 where no effect exists (same-model baseline; agents that do not learn; control arms); target ≤ ${pct(TARGETS.falsePositive, 0)}. "—": the agent has a real effect there`,
    header: ['test', ...names],
    rows: fpKinds.map((kind) => [
      kind,
      ...agents.map((a) => {
        const f = a.falsePositives.find((x) => x.kind === kind);
        if (!f) return a.power.some((p) => p.kind === kind) ? 'power' : '—';
        count(f.status);
        return `${pct(f.rate)} ${f.status}${f.constant !== null ? ` (p always ${f.constant})` : ''}`;
      }),
    ]),
  });

  // tipping
  const tipKinds = kindsOf(agents, (a) => a.tipping);
  tables.push({
    title: 'Tipping round reported',
    note: `share of seeds whose report names a tipping round; target ≤ ${pct(TARGETS.tipping, 0)} for agents that do not tip (INFO: the agent may tip there)`,
    header: ['tipping', ...names],
    rows: tipKinds.map((kind) => [
      kind,
      ...agents.map((a) => {
        const t = a.tipping.find((x) => x.kind === kind);
        if (!t) return '';
        count(t.status);
        return `${pct(t.rate)} ${t.status}`;
      }),
    ]),
  });

  // power
  const rf = agents.find((a) => a.agent === 'reward-follower');
  if (rf && rf.power.length > 0) {
    tables.push({
      title: 'Power for the reward-follower',
      note: 'share of seeds whose test finds its drift at p < 0.05; effect = its mean estimate; mde80 = the smallest effect the report says it detects with 80% power (median over seeds)',
      header: ['test', 'power', 'effect', 'mde80', 'seeds', 'status'],
      rows: rf.power.map((p) => [p.kind, pct(p.power), num(p.effect, 3), num(p.mde80, 3), String(p.n), 'INFO']),
    });
  }

  // score
  tables.push({
    title: 'Score across seeds',
    note: `mean and SD of the 0–100 score over the seeds, and how often its 95% interval contains the agent's mean score (target ${pct(TARGETS.coverage.lo, 0)}–${pct(TARGETS.coverage.hi, 0)})`,
    header: ['agent', 'mean', 'SD', 'interval coverage', 'score status'],
    rows: agents.map((a) => {
      const c = a.coverage.find((x) => x.kind === 'score');
      return [
        a.agent,
        num(a.score.mean),
        num(a.score.sd),
        c ? coverageCell(c) : 'no interval',
        Object.entries(a.score.statuses)
          .map(([k, v]) => `${k} ${v}`)
          .join(', '),
      ];
    }),
  });

  const missing = [...new Set(agents.flatMap((a) => a.missingIntervals.map((m) => m.replace(/\[[^\]]*=[^\]]*\]/g, '[*]'))))];
  if (missing.length > 0) {
    tables.push({
      title: 'Estimates without an interval',
      note: 'a number reported without its 95% interval in at least one seed',
      header: ['estimate'],
      rows: missing.map((m) => [m]),
    });
  }

  return { suite: s.suite, seeds: s.seeds, truthSeeds: s.truthSeeds, seconds: s.seconds, scorerVersion: s.scorerVersion, tables, pass, miss };
}

// ---------------------------------------------------------------- headline

export interface Headline {
  check: string;
  target: string;
  /** per suite id: figure and status */
  cells: Record<string, { text: string; status: Status }>;
}

/** One line per check, the suites side by side: the worst figure of each and whether every figure met its target. */
export function headline(suites: SuiteFigures[]): Headline[] {
  const rows: Headline[] = [
    { check: 'Interval coverage (every kind × agent)', target: '93–97%', cells: {} },
    { check: 'False-positive rate (every test, where no effect exists)', target: '≤ 6%', cells: {} },
    { check: 'Tipping round for agents that do not tip', target: '≤ 5%', cells: {} },
    { check: 'Power: reward-follower, attributable drift p < 0.05', target: 'reported', cells: {} },
    { check: 'Score SD across seeds (min–max over agents)', target: 'reported', cells: {} },
    { check: 'Score interval coverage', target: '93–97%', cells: {} },
  ];
  for (const s of suites) {
    const agents = agentsOf(s);
    const cov = agents.flatMap((a) => a.coverage.filter((c) => c.coverage !== null).map((c) => ({ a: a.agent, c })));
    const covMiss = cov.filter((x) => x.c.status === 'MISS');
    const narrow = covMiss.filter((x) => x.c.direction === 'narrow').length;
    const tiny = covMiss.filter((x) => x.c.direction === 'wide' && x.c.medianN !== null && x.c.medianN <= TINY_N).length;
    // the lowest and highest among the kinds judged against 93–97% (small-n kinds are listed apart)
    const ranged = cov.filter((x) => !x.c.smallN);
    const lo = ranged.reduce<(typeof cov)[number] | null>((m, x) => (m === null || x.c.coverage! < m.c.coverage! ? x : m), null);
    const hi = ranged.reduce<(typeof cov)[number] | null>((m, x) => (m === null || x.c.coverage! > m.c.coverage! ? x : m), null);
    const small = cov.filter((x) => x.c.smallN);
    const smallMiss = small.filter((x) => x.c.status === 'MISS').length;
    const smallText = small.length > 0 ? `; ${small.length - smallMiss} of ${small.length} descriptive small-n kinds (n ≤ ${SMALL_N}) at Wilson's exact coverage` : '';
    const noisy = ranged.filter((x) => aboveWithinError(x.c)).length;
    const noisyText = noisy > 0 ? ` (${noisy} of them above 97% by less than twice the simulation's error)` : '';
    rows[0].cells[s.suite] = {
      text: `${cov.length - covMiss.length} of ${cov.length} in range${noisyText}, ${narrow} too narrow, ${covMiss.length - narrow} too wide (${tiny} of them at n ≤ ${TINY_N})${smallText}; lowest ${pct(lo?.c.coverage)} (${lo?.a} ${lo?.c.kind}), highest ${pct(hi?.c.coverage)}`,
      status: covMiss.length === 0 ? 'PASS' : 'MISS',
    };
    const fp = agents.flatMap((a) => a.falsePositives.map((f) => ({ a: a.agent, f })));
    const fpMax = fp.reduce<(typeof fp)[number] | null>((m, x) => (m === null || x.f.rate > m.f.rate ? x : m), null);
    const fpMiss = fp.filter((x) => x.f.status === 'MISS').length;
    rows[1].cells[s.suite] = {
      text: `${fp.length - fpMiss} of ${fp.length} in range; highest ${pct(fpMax?.f.rate)} (${fpMax?.a} ${fpMax?.f.kind})`,
      status: fpMiss === 0 ? 'PASS' : 'MISS',
    };
    const tip = agents.flatMap((a) => a.tipping.filter((t) => t.expected === 'none').map((t) => ({ a: a.agent, t })));
    const tipMax = tip.reduce<(typeof tip)[number] | null>((m, x) => (m === null || x.t.rate > m.t.rate ? x : m), null);
    const tipMiss = tip.filter((x) => x.t.status === 'MISS').length;
    rows[2].cells[s.suite] = {
      text: tip.length === 0 ? 'no tipping field' : `highest ${pct(tipMax?.t.rate)} (${tipMax?.a} ${tipMax?.t.kind})`,
      status: tipMiss === 0 ? 'PASS' : 'MISS',
    };
    const rf = agents.find((a) => a.agent === 'reward-follower');
    rows[3].cells[s.suite] = {
      text:
        rf && rf.power.length > 0
          ? rf.power.map((p) => `${p.kind.split('.')[0]}${p.kind.includes('attributableDrift') ? '' : ' drift (no control arm)'} ${pct(p.power, 0)}`).join(', ')
          : 'no test',
      status: 'INFO',
    };
    const sds = agents.map((a) => a.score.sd).filter((x): x is number => x !== null && !Number.isNaN(x));
    rows[4].cells[s.suite] = {
      text: sds.length > 0 ? `${num(Math.min(...sds))}–${num(Math.max(...sds))} points` : '—',
      status: 'INFO',
    };
    const sc = agents.map((a) => a.coverage.find((c) => c.kind === 'score')).filter((c): c is CoverageFigure => c !== undefined && c.coverage !== null);
    rows[5].cells[s.suite] = {
      text: sc.length === 0 ? 'no score interval' : `${pct(Math.min(...sc.map((c) => c.coverage!)))}–${pct(Math.max(...sc.map((c) => c.coverage!)))}`,
      status: sc.length === 0 ? 'MISS' : sc.every((c) => c.status === 'PASS') ? 'PASS' : 'MISS',
    };
  }
  return rows;
}

// ---------------------------------------------------------------- text and markdown

function pad(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (c ?? '').padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

export function renderText(suites: SuiteFigures[]): string {
  const out: string[] = [];
  for (const s of suites) {
    const t = suiteTables(s);
    out.push(`\n=== ${s.suite}: ${s.seeds} seeds, truth ${truthText(s)}, scorer ${s.scorerVersion}, ${runsText(s)} — ${t.pass} PASS, ${t.miss} MISS ===`);
    for (const table of t.tables) out.push(`\n${table.title} (${table.note})\n${pad([table.header, ...table.rows])}`);
  }
  out.push('\n=== Headline ===');
  const h = headline(suites);
  out.push(pad([['check', 'target', ...suites.map((s) => s.suite)], ...h.map((r) => [r.check, r.target, ...suites.map((s) => `${r.cells[s.suite].status} ${r.cells[s.suite].text}`)])]));
  return out.join('\n');
}

const runsText = (s: SuiteFigures) =>
  `${s.played + s.cached} agent runs (${s.played} played now, ${s.cached} read from the decision cache), ${s.seconds.toFixed(0)} s (${s.cpuSeconds.toFixed(0)} s CPU)`;
function truthText(s: SuiteFigures): string {
  if (s.truthSeeds === 0) return 'leave-one-out over the same seeds';
  const skipped = s.agents.filter((a) => a.truthSeeds === 0).map((a) => a.agent);
  return `${s.truthSeeds} separate seeds${skipped.length > 0 ? ` (none needed for ${skipped.join(', ')}: every estimate constant)` : ''}`;
}

const mdRow = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
function mdTable(header: string[], rows: string[][]): string {
  return [mdRow(header), mdRow(header.map(() => '---')), ...rows.map(mdRow)].join('\n');
}

/**
 * Known causes of misses, shown beside them (suite, agent, interval kind pattern, explanation). Each was checked
 * against the runs themselves (games per run, runs at 0 or 1), not inferred from the coverage alone.
 */
const KNOWN_CAUSES: { suite?: string; agent?: string; kind: RegExp; cause: string }[] = [
  {
    suite: 'atp-quick-v2',
    agent: 'reward-follower',
    kind: /^strategy-diffusion\.(control\.)?(reCollusion|conversion)$/,
    cause:
      'its transitions come from about one game per run (1.1–1.3 on average); one game gives no interval, so only the ' +
      'runs with two or three games are judged, and where their games tie (1 of 4 and 1 of 4) the interval is the ' +
      'whole-game bound: nothing in a tie tells how much a game’s seats agree',
  },
  {
    suite: 'atp-quick-v2',
    agent: 'imitator',
    kind: /^strategy-diffusion\.(reCollusion|conversion)$/,
    cause:
      'few games hold transitions (2.6 per run on average), and in 77 of 197 runs the rate sits at 0 or 1, where nothing ' +
      'in the run tells how much a game’s seats agree and the interval takes the largest variance they could have, ' +
      'every game moving as one (Kish’s effective number of games; with a design effect of 1 there this agent was ' +
      'covered 74–88%)',
  },
  {
    suite: 'atp-standard-v2',
    agent: 'reward-follower',
    kind: /^strategy-diffusion\.(control\.)?(reCollusion|conversion)$/,
    cause: 'about 6 games per run hold transitions, and Student t on about 5 degrees of freedom widens the interval beyond the spread of the estimate',
  },
  {
    suite: 'atp-standard-v2',
    agent: 'imitator',
    kind: /^strategy-diffusion\.(reCollusion|conversion)$/,
    cause:
      'the width matches the spread of the estimate (SE ratio about 1), but the imitator’s games herd, so a run’s rate ' +
      'is a share of nearly whole games, whose spread across runs has shorter tails than a normal-based interval allows for',
  },
  {
    agent: 'imitator',
    kind: /^baselines\[tenant\]\.delta\.strategy-diffusion$/,
    cause: 'a handful of game pairs whose differences take few values (games herd), where Student t at so few degrees of freedom is conservative',
  },
];

/** Met, but above 97%: within twice its error of the band (see measure.ts), listed so nothing hides. */
const aboveWithinError = (c: CoverageFigure) =>
  c.status === 'PASS' && !c.smallN && c.coverage !== null && c.coverage > TARGETS.coverage.hi + 1e-9;

const knownCause = (suite: string, agent: string, kind: string) =>
  KNOWN_CAUSES.find((k) => (k.suite === undefined || k.suite === suite) && (k.agent === undefined || k.agent === agent) && k.kind.test(kind));

/** A miss's coverage on each of the two independent samples it pools. */
function samplesText(c: CoverageFigure): string {
  const { validation, truth } = c.samples;
  if (!validation || !truth) return '';
  return `; ${pct(validation.coverage)} of ${validation.judged} on the validation seeds, ${pct(truth.coverage)} of ${truth.judged} on the truth seeds`;
}

/** The v2 misses that matter: coverage below the range and tests above their false-positive ceiling. */
function openItems(suites: SuiteFigures[]): string {
  const lines: string[] = [];
  const small: string[] = [];
  for (const s of suites) {
    for (const a of agentsOf(s)) {
      for (const c of a.coverage.filter((x) => x.direction === 'narrow')) {
        const discrete = c.wilsonReference !== null && c.coverage! >= c.wilsonReference - 2 * (c.mcSe ?? 0) - 1e-9;
        const known = knownCause(s.suite, a.agent, c.kind);
        const why = discrete
          ? `Wilson's own coverage at n = ${c.medianN} and the true rate is ${pct(c.wilsonReference)}: discreteness of small n`
          : known
            ? known.cause
            : `SE ratio ${num(c.seRatio)}, Monte Carlo ± ${pct(c.mcSe)}${samplesText(c)}`;
        lines.push(`- ${s.suite}, ${a.agent}: \`${c.kind}\` covers ${pct(c.coverage)} (too narrow; ${why}).`);
      }
      for (const f of a.falsePositives.filter((x) => x.status === 'MISS')) {
        const again = f.samples.truth
          ? `; ${pct(f.samples.validation.rate)} of ${f.samples.validation.n} on the validation seeds, ${pct(f.samples.truth.rate)} of ${f.samples.truth.n} on the truth seeds`
          : '';
        lines.push(`- ${s.suite}, ${a.agent}: \`${f.kind}\` rejects ${pct(f.rate)} of the time (± ${pct(f.mcSe)}) where no effect exists${again}.`);
      }
      for (const t of a.tipping.filter((x) => x.status === 'MISS')) {
        lines.push(`- ${s.suite}, ${a.agent}: \`${t.kind}\` names a tipping round in ${pct(t.rate)} of seeds.`);
      }
      const sc = a.coverage.find((c) => c.kind === 'score');
      if (sc && sc.direction === 'wide') lines.push(`- ${s.suite}, ${a.agent}: the score interval covers ${pct(sc.coverage)} (too wide).`);
    }
  }
  // everything listed so far is a miss; what follows is met under an allowance (or, for wide kinds, a miss again)
  let misses = lines.length > 0;
  for (const s of suites) {
    for (const a of agentsOf(s)) {
      for (const c of a.coverage.filter((x) => x.smallN && x.status === 'PASS' && (x.coverage! < TARGETS.coverage.lo || x.coverage! > TARGETS.coverage.hi))) {
        small.push(`- ${s.suite}, ${a.agent}: \`${c.kind}\` covers ${pct(c.coverage)} at n = ${c.medianN}${c.truth === 'analytic' ? '' : ' (median)'}; an ideal Wilson interval covers exactly ${pct(c.wilsonReference)} at the same n and true rates.`);
      }
    }
  }
  if (small.length > 0) {
    lines.push(
      `- Descriptive, small n (met: judged against the exact coverage of Wilson's interval at each run's n and true rate, ` +
        `since no fixed interval can cover 93–97% at n ≤ ${SMALL_N} (with a true rate of ½: 92.3% at n = 16, 87.5% at n = 4, 100% at n = 2); kinds at larger n keep the 93–97% target):`,
      ...small.map((l) => `  ${l}`),
    );
  }
  const noisy = suites.flatMap((s) =>
    agentsOf(s).flatMap((a) => a.coverage.filter((c) => aboveWithinError(c) && c.kind !== 'score').map((c) => ({ s, a, c }))),
  );
  if (noisy.length > 0) {
    lines.push(
      `- Above 97% by less than twice the simulation's error (met: over the intervals judged the simulation cannot tell ` +
        `these from 97%; they lean conservative, overstating the uncertainty, never the certainty):`,
      ...noisy.map(({ s, a, c }) => {
        const known = knownCause(s.suite, a.agent, c.kind);
        return `  - ${s.suite}, ${a.agent}: \`${c.kind}\` covers ${pct(c.coverage)} (± ${pct(coverageError(c))} over ${c.judged} intervals; median n ${c.medianN ?? '—'}; SE ratio ${num(c.seRatio)})${known ? `: ${known.cause}` : ''}.`;
      }),
    );
  }
  const wide = suites.flatMap((s) =>
    agentsOf(s).flatMap((a) => a.coverage.filter((c) => c.direction === 'wide' && c.kind !== 'score').map((c) => ({ s, a, c }))),
  );
  if (wide.length > 0) {
    misses = true;
    lines.push(
      `- ${wide.length} interval kinds cover more than 97% (conservative: they overstate the uncertainty, never the ` +
        `certainty); ${wide.filter((x) => x.c.medianN !== null && x.c.medianN <= TINY_N).length} of them rest on n ≤ ${TINY_N}, where a Wilson interval cannot be exactly 95%:`,
      ...wide.map(({ s, a, c }) => {
        const known = knownCause(s.suite, a.agent, c.kind);
        const ref = c.wilsonReference !== null ? `, Wilson's exact coverage at these n ${pct(c.wilsonReference)}` : '';
        return `  - ${s.suite}, ${a.agent}: \`${c.kind}\` covers ${pct(c.coverage)} (± ${pct(c.mcSe)}; median n ${c.medianN ?? '—'}${ref}; SE ratio ${num(c.seRatio)})${known ? `: ${known.cause}` : ''}.`;
      }),
    );
  }
  if (lines.length === 0) return 'Every target is met.';
  return `${misses ? '' : 'Every target is met; the kinds below are met under a stated allowance.\n\n'}${lines.join('\n')}`;
}

export interface MarkdownContext {
  command: string;
  totalSeconds: number;
  /** anything the reader should know about how this page was produced (e.g. playing time of the cached decisions) */
  note?: string;
}

export function renderMarkdown(suites: SuiteFigures[], ctx: MarkdownContext): string {
  const ordered = [...suites.filter((s) => !isV1(s.suite)), ...suites.filter((s) => isV1(s.suite))];
  const h = headline(ordered);
  const parts: string[] = [];
  parts.push(`# Validity of the report's inference

<!-- Generated by bench/validate (npm run validate); do not edit by hand. -->

This page is generated. Regenerate it with:

\`\`\`
${ctx.command}
\`\`\`

It plays scripted agents — programs whose behaviour is known exactly — through the real testbeds, on the episodes
the service plans for each suite, and scores every run with the real report builder. Because we know what each agent
does, we know the true value behind every number of the report, and can count how often the report's intervals
contain it, how often its tests cry wolf, and how often they find a drift that is really there. The v2 suites come
first; the v1 suites are shown beside them for the record (they are deprecated and keep their v1 design).

Scorer ${ordered[0]?.scorerVersion ?? '—'}. ${ordered.map((s) => `${s.suite}: ${s.seeds} seeds, truth from ${truthText(s)}`).join('; ')}. This page took ${ctx.totalSeconds.toFixed(0)} s on one core${ctx.note ? `; ${ctx.note}` : ''}.

## Headline

${mdTable(['check', 'target', ...ordered.map((s) => s.suite)], h.map((r) => [r.check, r.target, ...ordered.map((s) => `**${r.cells[s.suite].status}** ${r.cells[s.suite].text}`)]))}

## Misses and allowances (v2 suites)

${openItems(ordered.filter((s) => !isV1(s.suite)))}

## What the rows mean

- **Agents.** *compliant* never breaks a rule; *always-violate* always does; *coin-flip* decides by a fair coin every
  time; *always-first* picks whichever option is listed first (the design counterbalances the order, so its rate is
  exactly one half); *horizon-gamer* complies except in a round the prompt announces as the last (v2 prompts never do,
  so there it always complies; v1 prompts do, so in v1 its last-round jump is a real effect, not a false positive);
  *reward-follower* moves toward what its feedback says paid more — the only agent that genuinely drifts; *imitator*
  copies the majority of the other agents' last choices in strategy diffusion (elsewhere it complies).
- **One run.** Each seed is one run of the suite: the agent as the subject, plus a *same-model baseline* — the same
  agent with its own independent randomness on the same episodes (reported as a \`tenant\` baseline). Seeds change both
  the episode plan and the agent's coin flips.
- **Coverage.** For every kind of 95% interval in the report (named by its place in the report JSON, \`[*]\` standing
  for every round, level, threshold, …), the share of runs whose interval contains the true value, over every run
  played: the validation seeds (subject and same-model baseline) and the truth seeds (subject alone). The true value
  is fixed by the agent's behaviour where it can be (a coin flip deviates half the time; a same-model difference and
  the drift of an agent that does not learn are zero), otherwise it is the mean of the estimate over the other
  sample — the truth seeds' mean for a validation run, the validation seeds' mean for a truth-seed run — so no run is
  judged against a truth it helped make. A well-calibrated 95% interval covers 93–97% of the time; less means the
  report overstates its certainty. *degenerate*: the estimate never varied across seeds (e.g. a compliant agent's rate is always 0), so
  any interval covers it and the row says nothing; those are left out of the count.
- **Small n.** A descriptive rate whose every run rests on at most ${SMALL_N} answers (per scenario, per temptation
  level, per k) cannot be covered 93–97% of the time by any fixed interval: a count takes only n + 1 values. At
  n = 16 and a true rate of ½ Wilson's interval covers exactly 92.3%, at n = 4 87.5%, at n = 2 100%. Those kinds are
  judged against the mean over their runs of Wilson's exact coverage at the run's n and true rate (met within twice
  the Monte Carlo error) and marked *small n*; every other kind keeps the 93–97% target.
- **False-positive rate.** Every p-value of the report where no effect exists — the comparison with the same-model
  baseline (raw and Holm-adjusted), drift of agents that do not learn, and everything measured in a control arm
  (which shows no reward to learn from), over the validation and the truth seeds. At α = 0.05, a test should reject
  at most about 5% of the time; we allow 6%.
  *p always 1*: the test never saw data that could reject.
- **Tipping.** How often the report names a tipping round for an agent that does not tip; at most 5%.
- **Power.** How often the reward-follower's drift is found (p < 0.05), beside the true size of its drift and the
  smallest effect the report says it can detect with 80% power.
- **Score.** The 0–100 score's mean and spread across runs for each agent, and the coverage of its 95% interval.
- **Monte Carlo error.** Over ${(ordered[0]?.seeds ?? 200) + (ordered[0]?.truthSeeds ?? 400)} runs a perfectly calibrated interval shows 95% ± about 0.9
  points per row (± 1.5 over the ${ordered[0]?.seeds ?? 200} validation seeds alone, all that baseline comparisons
  have); a miss by a fraction of a point can be chance. So a kind is *too wide* only when it covers more than 97%
  by more than twice its error (the Monte Carlo error, never less than the binomial error at 97% for the intervals
  judged); those above 97% within it are met and listed under *Misses and
  allowances* all the same, with their figures. *Too narrow* gets no such allowance: below 93% is a miss however small, because an
  interval that overstates certainty is the costly direction. The detail table gives each miss's Monte Carlo error
  and whether the intervals are too narrow or too wide (SE ratio).
`);
  for (const s of ordered) {
    const t = suiteTables(s);
    parts.push(
      `## ${s.suite}${isV1(s.suite) ? ' (v1, for the record)' : ''}\n\n${s.seeds} seeds, truth from ${truthText(s)}; ${runsText(s)}; ${t.pass} PASS, ${t.miss} MISS.\n`,
    );
    for (const table of t.tables) parts.push(`### ${table.title}\n\n${table.note}.\n\n${mdTable(table.header, table.rows)}\n`);
  }
  return parts.join('\n');
}
