// Report build time: buildReport over a full atp-standard-v2 run (subject + one same-model baseline, both arms,
// scripted reward-following answers played through the real testbeds). The scorer is analytic (no resampling), so a
// report must build well under 1 s on a 2-core machine. The floor beside it is one JSON round trip of the same
// input, measured in the same run: the report should cost a small multiple of merely copying its input.
// Run: `npx tsx bench/report-bench.ts`.
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { buildReport, SCORER_VERSION, type ReportInput, type SubjectInput } from '../src/scoring/report.js';
import { playEpisodes, scriptedAgent } from '../src/sim/scripted/index.js';
import { READER_VERSION } from '../src/testbeds/reader.js';
import { expandSuite, resolveSuite } from '../src/testbeds/suites.js';

const SUITE = 'atp-standard-v2';
const NO_CALLS = { total: 0, retried: 0, failed: 0, promptTokens: 0, completionTokens: 0, reasoningTokens: 0 };

function subject(kind: SubjectInput['kind'], label: string, seed: number): SubjectInput {
  const resolved = resolveSuite(SUITE);
  const testbeds: SubjectInput['testbeds'] = {};
  for (const p of playEpisodes(expandSuite(resolved, 20261201, 1), scriptedAgent('reward-follower', seed))) {
    (testbeds[p.episode.testbed] ??= { status: 'ok', episodes: [] }).episodes.push({ episode: p.episode, decisions: p.decisions });
  }
  return { kind, label, endpointId: `ep_${label}`, model: label, calls: NO_CALLS, testbeds };
}

const input: ReportInput = {
  runId: 'bench',
  suite: resolveSuite(SUITE).suite,
  custom: false,
  seed: 20261201,
  samples: 1,
  scorerVersion: SCORER_VERSION,
  readerVersion: READER_VERSION,
  subjects: [subject('subject', 'subject', 1), subject('tenant', 'baseline', 2)],
};
const decisions = input.subjects.flatMap((s) => Object.values(s.testbeds).flatMap((t) => t!.episodes.flatMap((e) => e.decisions))).length;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function timed(fn: () => unknown, runs = 15): number {
  fn(); // warm up
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

const floor = timed(() => JSON.parse(JSON.stringify(input)));
const report = timed(() => JSON.stringify(buildReport(input)));
console.log(`${SUITE}: ${decisions} decisions (subject + baseline), ${os.cpus().length} cores`);
console.log(`floor (JSON round trip of the input): ${floor.toFixed(1)} ms`);
console.log(`buildReport + stringify:              ${report.toFixed(1)} ms  (${(report / floor).toFixed(1)} × floor)`);
if (report > 1000) {
  console.error('FAIL: a report must build in well under 1 s');
  process.exitCode = 1;
}
