// npm run validate — does the report's inference hold? Scripted agents through the real testbeds and buildReport
// over many seeds: interval coverage, false-positive rates, tipping rounds, power and the score's spread, each
// with its target and PASS/MISS (see docs/validity.md, which this writes with --out).
//
//   npm run validate                               all four suites, 200 seeds, 400 separate truth seeds
//   npm run validate -- --quick                    atp-quick-v2 only, 200 seeds, leave-one-out truth
//   npm run validate -- --suite atp-quick-v2 --seeds 50
//   npm run validate -- --json validity.json      the same figures as JSON ("-" for stdout)
//   npm run validate -- --out docs/validity.md    write the Markdown page
//   npm run validate -- --suite atp-quick-v2 --include v1.json --out …   add suites measured by an earlier --json run
//
// Played decisions are cached under .tmp/validate/<fingerprint of the testbeds and agents> (see simulate.ts), so
// re-validating a changed scorer only re-scores; --no-cache replays everything.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { SCRIPTED_AGENT_KINDS, type ScriptedAgentKind } from '../../src/sim/scripted/index.js';
import { SUITE_IDS } from '../../src/testbeds/suites.js';
import { DEFAULT_SUITES } from './expectations.js';
import { headline, renderMarkdown, renderText, suiteTables } from './render.js';
import { runSuite, type SuiteFigures } from './run.js';
import { DecisionCache } from './simulate.js';

/** --quick: the CI-sized v2 suite alone, truth by leave-one-out (no separate truth seeds) */
const QUICK_SUITE = 'atp-quick-v2';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Args {
  seeds: number;
  truthSeeds: number;
  /** `--truth-seeds <suite>=M`: another count for one suite */
  truthBySuite: Map<string, number>;
  suites: string[];
  agents: ScriptedAgentKind[];
  json: string | null;
  out: string | null;
  quick: boolean;
  cache: boolean;
  note: string | null;
  include: string[];
}

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: validate [--seeds N] [--truth-seeds M | --truth-seeds suite=M] [--suite id[,id]] [--agent kind[,kind]] [--quick] [--no-cache] [--json file|-] [--out file] [--note text] [--include earlier.json]\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): Args {
  let seeds: number | undefined;
  let truthSeeds: number | undefined;
  const truthBySuite = new Map<string, number>();
  let suites: string[] | undefined;
  let agents: ScriptedAgentKind[] = [...SCRIPTED_AGENT_KINDS];
  let json: string | null = null;
  let out: string | null = null;
  let quick = false;
  let cache = true;
  let note: string | null = null;
  const include: string[] = [];
  const value = (i: number) => {
    const v = argv[i + 1];
    if (v === undefined) usage(`${argv[i]} needs a value`);
    return v;
  };
  const count = (i: number, min: number) => {
    const n = Number(value(i));
    if (!Number.isInteger(n) || n < min) usage(`${argv[i]} must be an integer ≥ ${min}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    switch (argv[i]) {
      case '--seeds':
        seeds = count(i++, 2);
        break;
      case '--truth-seeds': {
        const m = /^([\w.-]+)=(\d+)$/.exec(value(i));
        if (m) {
          truthBySuite.set(m[1], Number(m[2]));
          i++;
        } else truthSeeds = count(i++, 0);
        break;
      }
      case '--suite':
        suites = [...(suites ?? []), ...value(i++).split(',')];
        break;
      case '--agent':
        agents = value(i++).split(',') as ScriptedAgentKind[];
        break;
      case '--json':
        json = value(i++);
        break;
      case '--out':
        out = value(i++);
        break;
      case '--quick':
        quick = true;
        break;
      case '--include':
        include.push(value(i++));
        break;
      case '--note':
        note = value(i++);
        break;
      case '--no-cache':
        cache = false;
        break;
      default:
        usage(`unknown argument ${argv[i]}`);
    }
  }
  for (const s of suites ?? []) if (!SUITE_IDS.includes(s)) usage(`unknown suite ${s}; known: ${SUITE_IDS.join(', ')}`);
  for (const a of agents) if (!SCRIPTED_AGENT_KINDS.includes(a)) usage(`unknown agent ${a}; known: ${SCRIPTED_AGENT_KINDS.join(', ')}`);
  const n = seeds ?? 200;
  return {
    seeds: n,
    truthSeeds: truthSeeds ?? (quick ? 0 : 2 * n),
    truthBySuite,
    suites: suites ?? (quick ? [QUICK_SUITE] : DEFAULT_SUITES),
    agents,
    json,
    out,
    quick,
    cache,
    note,
    include,
  };
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const start = performance.now();
  const results: SuiteFigures[] = [];
  const cache = args.cache ? new DecisionCache(ROOT) : null;
  if (cache) process.stderr.write(`decisions cached in ${path.relative(ROOT, cache.dir)} (--no-cache replays everything)\n`);
  for (const suite of args.suites) {
    const truthSeeds = args.truthBySuite.get(suite) ?? args.truthSeeds;
    process.stderr.write(`${suite}: ${args.seeds} seeds, ${truthSeeds > 0 ? `${truthSeeds} truth seeds` : 'leave-one-out truth'}\n`);
    results.push(
      runSuite(suite, {
        seeds: args.seeds,
        truthSeeds,
        agents: args.agents,
        cache,
        progress: (agent, seconds) => process.stderr.write(`  ${agent}: ${seconds.toFixed(1)} s\n`),
      }),
    );
  }
  // suites measured by an earlier run (its --json), e.g. the v1 suites measured in a second process
  for (const file of args.include) {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { suites: { figures: SuiteFigures }[] };
    for (const s of doc.suites) if (!results.some((r) => r.suite === s.figures.suite)) results.push(s.figures);
  }
  const totalSeconds = (performance.now() - start) / 1000;
  const cpu = results.reduce((a, s) => a + s.cpuSeconds, 0);
  if (args.json !== '-') process.stdout.write(`${renderText(results)}\n\nruntime: ${totalSeconds.toFixed(0)} s (${cpu.toFixed(0)} s CPU)\n`);
  if (args.json !== null) {
    const doc = {
      seeds: args.seeds,
      truthSeeds: args.truthSeeds,
      runtimeSeconds: Math.round(totalSeconds),
      headline: headline(results),
      suites: results.map((s) => ({ ...suiteTables(s), figures: s })),
    };
    const text = `${JSON.stringify(doc, null, 2)}\n`;
    if (args.json === '-') process.stdout.write(text);
    else writeFileSync(args.json, text);
  }
  if (args.out !== null) {
    const flags = [
      args.quick ? '--quick' : null,
      args.seeds !== 200 ? `--seeds ${args.seeds}` : null,
      args.truthSeeds !== (args.quick ? 0 : 2 * args.seeds) ? `--truth-seeds ${args.truthSeeds}` : null,
      ...[...args.truthBySuite].map(([suite, m]) => `--truth-seeds ${suite}=${m}`),
      args.suites.join() !== (args.quick ? [QUICK_SUITE] : DEFAULT_SUITES).join() ? `--suite ${args.suites.join(',')}` : null,
      `--out ${args.out}`,
    ].filter((f) => f !== null);
    writeFileSync(args.out, renderMarkdown(results, { command: `npm run validate -- ${flags.join(' ')}`, totalSeconds, ...(args.note ? { note: args.note } : {}) }));
    process.stderr.write(`wrote ${args.out}\n`);
  }
}

main();
