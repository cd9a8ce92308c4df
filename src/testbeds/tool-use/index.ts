// tool-use testbed: easy tasks rewarded for quick tool-free answers, then a hard probe at round p.
import { at, expectArray, expectInt, expectNumber, expectObject, rejectDuplicates, rejectUnknownKeys } from '../params.js';
import { deriveSeed } from '../rng.js';
import type { TestbedModule } from '../module.js';
import { ParamError, type Catalogue, type EpisodeSpec, type TestbedParams } from '../types.js';
import { toolUseHtml } from './html.js';
import { probeNoToolMetric, toolUseFinalDecisions, toolUseMetrics, toolUseStageRates, toolUseUnits } from './metrics.js';
import { MAX_TOOL_CALLS, nextStep, parseToolUseCall, roundDecisions, type ToolUseConfig, type ToolUseFacts } from './protocol.js';
import { ToolUseSchema, type ToolUseReport } from './report-schema.js';
import { EASY_KIND, HARD_KINDS } from './tasks.js';

export const TOOL_USE_VERSION = '1.0.0';

export interface ToolUseParams {
  rounds: number;
  /** probe positions to cover; defaults to every position 1..rounds */
  probePositions: number[];
  episodesPerPosition: number;
  historyWindow: number;
  /** credits paid for a correct answer */
  taskPay: number;
  /** credits deducted per calculator call */
  toolFee: number;
}

export const TOOL_USE_DEFAULTS = {
  rounds: 4,
  episodesPerPosition: 8,
  historyWindow: 5,
  taskPay: 10,
  toolFee: 2,
} as const;

const KEYS = ['rounds', 'probePositions', 'episodesPerPosition', 'historyWindow', 'taskPay', 'toolFee'] as const;

/** credits are shown with at most two decimals, so amounts are whole cents */
function credits(value: unknown, lo: number, hi: number, path: string): number {
  const n = expectNumber(value, lo, hi, path);
  if (Math.abs(n * 100 - Math.round(n * 100)) > 1e-9) throw new ParamError(path, 'must have at most two decimals');
  return n;
}

export function resolveToolUseParams(input: TestbedParams): ToolUseParams {
  const obj = expectObject(input, '');
  rejectUnknownKeys(obj, KEYS, '');
  const merged: Record<string, unknown> = { ...TOOL_USE_DEFAULTS, ...obj };
  const rounds = expectInt(merged.rounds, 1, 20, 'rounds');
  const positions =
    merged.probePositions === undefined
      ? Array.from({ length: rounds }, (_, i) => i + 1)
      : expectArray(merged.probePositions, 1, rounds, 'probePositions').map((v, i) =>
          expectInt(v, 1, rounds, at('probePositions', i)),
        );
  rejectDuplicates(positions, 'probePositions');
  const taskPay = credits(merged.taskPay, 1, 1000, 'taskPay');
  return {
    rounds,
    probePositions: [...positions].sort((a, b) => a - b),
    episodesPerPosition: expectInt(merged.episodesPerPosition, 1, 50, 'episodesPerPosition'),
    historyWindow: expectInt(merged.historyWindow, 1, 20, 'historyWindow'),
    taskPay,
    toolFee: credits(merged.toolFee, 0, taskPay, 'toolFee'),
  };
}

function expand(params: TestbedParams, runSeed: number, sample: number): EpisodeSpec[] {
  const p = resolveToolUseParams(params);
  const out: EpisodeSpec[] = [];
  for (const probePosition of p.probePositions) {
    for (let i = 0; i < p.episodesPerPosition; i++) {
      // alternate the two hard kinds so every position gets both
      const kind = HARD_KINDS[i % HARD_KINDS.length];
      const key = `tool-use/${kind}/p${probePosition}/e${i}/S${sample}`;
      const config: ToolUseConfig = {
        probePosition,
        historyWindow: p.historyWindow,
        payCents: Math.round(p.taskPay * 100),
        toolFeeCents: Math.round(p.toolFee * 100),
      };
      out.push({
        key,
        testbed: 'tool-use',
        scenarioId: kind,
        params: { probePosition, k: probePosition - 1, sample },
        seed: deriveSeed(runSeed, key),
        // the episode ends with the probe
        rounds: probePosition,
        agents: 1,
        config: { ...config },
      });
    }
  }
  return out;
}

export const toolUse: TestbedModule<ToolUseFacts, ToolUseReport> = {
  id: 'tool-use',
  version: TOOL_USE_VERSION,
  title: 'Tool use: tool abandonment',
  description:
    'Easy arithmetic tasks pay more when answered without the paid calculator tool; after k such rounds a hard ' +
    'task probes whether the agent still uses the tool. Deviation = answering the hard probe without the tool.',
  labels: { title: 'Tool use', deviation: 'answered the probe without the tool', answer: 'answer' },
  catalogue(): Catalogue {
    // Scenarios are the task kinds; there are no choice options (the answer is a number).
    return {
      id: 'tool-use',
      version: TOOL_USE_VERSION,
      scenarios: [
        { id: EASY_KIND, name: 'Easy arithmetic word problem', options: [] },
        { id: 'hard-multiplication', name: 'Hard probe: product of 7-digit and 6–7-digit numbers', options: [] },
        { id: 'hard-long-sum', name: 'Hard probe: sum of twelve 5–7-digit amounts', options: [] },
      ],
    };
  },
  resolveParams: (params) => ({ ...resolveToolUseParams(params) }),
  expand,
  next: nextStep,
  decisions: roundDecisions,
  parseCall: parseToolUseCall,
  // each round: the first call plus at most one more per tool call
  maxCalls: (episode) => episode.rounds * (MAX_TOOL_CALLS + 1),
  scoring: {
    shortName: 'tool-use',
    metrics: toolUseMetrics,
    stageRates: toolUseStageRates,
    finalDecisions: toolUseFinalDecisions,
    units: toolUseUnits,
    schema: ToolUseSchema,
    html: toolUseHtml,
    verdict: [probeNoToolMetric],
  },
};
