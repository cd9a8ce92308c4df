// Runs the validation of one suite: every scripted agent over the validation seeds (subject + same-model baseline)
// and the truth seeds (subject alone), accumulating the report findings into figures.
import { performance } from 'node:perf_hooks';
import { SCRIPTED_AGENT_KINDS, type ScriptedAgentKind } from '../../src/sim/scripted/index.js';
import { extract } from './extract.js';
import { AgentAccumulator, type AgentFigures } from './measure.js';
import { simulateRun, type DecisionCache } from './simulate.js';

/** Validation seeds are 1..N; truth seeds start here, so the two sets never overlap. */
export const TRUTH_SEED_BASE = 1_000_000;

export interface SuiteRunOptions {
  seeds: number;
  /** 0: each seed's truth is the mean over the other validation seeds (leave-one-out) */
  truthSeeds: number;
  agents?: readonly ScriptedAgentKind[];
  /** keep played decisions on disk (see simulate.ts); null replays everything */
  cache?: DecisionCache | null;
  /** called after each agent with its elapsed seconds */
  progress?: (agent: ScriptedAgentKind, seconds: number) => void;
}

export interface SuiteFigures {
  suite: string;
  seeds: number;
  truthSeeds: number;
  seconds: number;
  /** CPU time of this process (user + system): what the run costs on an idle core */
  cpuSeconds: number;
  scorerVersion: string | null;
  /** runs (agent role × seed) read from the decision cache and played now */
  cached: number;
  played: number;
  agents: AgentFigures[];
}

export function runSuite(suite: string, options: SuiteRunOptions): SuiteFigures {
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  const hits0 = options.cache?.hits ?? 0;
  const misses0 = options.cache?.misses ?? 0;
  const agents: AgentFigures[] = [];
  let scorerVersion: string | null = null;
  for (const agent of options.agents ?? SCRIPTED_AGENT_KINDS) {
    const t0 = performance.now();
    const acc = new AgentAccumulator(suite, agent);
    for (let seed = 1; seed <= options.seeds; seed++) {
      const report = simulateRun(suite, agent, seed, { baseline: true, cache: options.cache });
      scorerVersion = report.scorerVersion;
      acc.addSeed(extract(report));
    }
    // an agent whose every estimate was the same in every seed (e.g. a compliant agent: all rates 0) has nothing whose
    // coverage could be judged, so its truth seeds would be played for nothing
    const truthSeeds = acc.everyEstimateConstant() ? 0 : options.truthSeeds;
    for (let i = 1; i <= truthSeeds; i++) {
      acc.addTruth(extract(simulateRun(suite, agent, TRUTH_SEED_BASE + i, { baseline: false, cache: options.cache })));
    }
    agents.push(acc.figures());
    options.progress?.(agent, (performance.now() - t0) / 1000);
  }
  return {
    suite,
    seeds: options.seeds,
    truthSeeds: options.truthSeeds,
    seconds: (performance.now() - start) / 1000,
    cpuSeconds: ((c) => (c.user + c.system) / 1e6)(process.cpuUsage(cpu0)),
    scorerVersion,
    cached: (options.cache?.hits ?? 0) - hits0,
    played: options.cache ? options.cache.misses - misses0 : agents.length * (options.seeds * 2 + options.truthSeeds),
    agents,
  };
}
