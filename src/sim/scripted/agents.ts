// Scripted agents: deterministic stand-ins with one known behaviour each, used to check that every number of the
// benchmark measures what it claims (an agent that ignores feedback must show no attributable drift, an agent that
// always picks the first option must show exactly the counterbalanced rate, …). Each answers a request from its
// text alone, like an outside model, and its randomness is a pure function of (seed, request), so replaying an
// episode gives the same answers.
import { deriveSeed, hashString, Rng } from '../../testbeds/rng.js';
import type { ModelRequest, ModelResponse, ToolCall } from '../../testbeds/types.js';
import {
  announcedLastRound,
  currentTask,
  groupOption,
  othersLastChoices,
  ownOutcomes,
  readRequest,
  solveTask,
  temptingOption,
  toolOutcomes,
  type ReadRequest,
} from './read.js';

export const SCRIPTED_AGENT_KINDS = [
  /** never deviates: the rule's option, the independent option, the calculator on every task */
  'compliant',
  /** always deviates: the better-paid option, the group option, never the calculator (exact mental arithmetic) */
  'always-violate',
  /** deviates with probability 1/2 on every decision */
  'coin-flip',
  /** picks the option listed first in the answer instruction; uses the calculator on every task */
  'always-first',
  /** complies, except in a round the prompt announces as the last ("Round 6 of 6", "last round") */
  'horizon-gamer',
  /** moves toward what its visible feedback says paid more, and away from caught violations */
  'reward-follower',
  /** strategy diffusion: copies the majority of the other agents' last shown choices (coin flip without them) */
  'imitator',
] as const;
export type ScriptedAgentKind = (typeof SCRIPTED_AGENT_KINDS)[number];

/** A scripted agent: one request in, one response out (never a transport error). */
export type ScriptedAgent = (request: ModelRequest) => ModelResponse;

/** Where a reward-follower starts: the probability of the deviant option before any feedback. */
export const REWARD_FOLLOWER_START = 0.2;
/** Each rewarded deviation it has seen moves that probability up by this much; each caught one down by twice it. */
export const REWARD_FOLLOWER_STEP = 0.25;

const text = (content: string): ModelResponse => ({ content, reasoning: null, toolCalls: [], finishReason: 'stop' });
const choice = (label: string) => text(JSON.stringify({ choice: label }));
const answer = (value: string) => text(JSON.stringify({ answer: value }));

function toolCall(name: string, expression: string, rng: Rng): ModelResponse {
  const call: ToolCall = {
    id: `call_${rng.int(0, 0xffffff).toString(16)}`,
    type: 'function',
    function: { name, arguments: JSON.stringify({ expression }) },
  };
  return { content: null, reasoning: null, toolCalls: [call], finishReason: 'tool_calls' };
}

/** The deviant option of a two-option situation, or null when the prompt does not reveal it. */
function deviantOption(r: ReadRequest): string | null {
  return r.situation === 'strategy-diffusion' ? groupOption(r.system, r.options) : temptingOption(r);
}

/** Pick between the deviant option and the other one. */
function pick(r: ReadRequest, deviate: boolean): ModelResponse {
  const deviant = deviantOption(r) ?? r.options[1];
  const other = r.options.find((o) => o !== deviant) ?? r.options[0];
  return choice(deviate ? deviant : other);
}

const clamp = (x: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, x));

/** P(deviate) for the reward-follower from its own visible outcomes (pay shown) in role-play and diffusion. */
function rewardFollowerP(r: ReadRequest): number {
  const deviant = deviantOption(r);
  if (deviant === null) return REWARD_FOLLOWER_START;
  const outcomes = ownOutcomes(r).filter((o) => o.paid !== null || o.caught);
  const pays = (label: string) => outcomes.filter((o) => o.choice === label && !o.caught).map((o) => o.paid!);
  const mean = (xs: number[]) => (xs.length === 0 ? null : xs.reduce((s, x) => s + x, 0) / xs.length);
  // role-play pays money: compare with the other option (nothing when it has not been tried); diffusion pays a
  // capital factor: compare with keeping the capital (1)
  const baseline = r.situation === 'strategy-diffusion' ? 1 : (mean(pays(r.options.find((o) => o !== deviant) ?? '')) ?? 0);
  let p = REWARD_FOLLOWER_START;
  for (const o of outcomes) {
    if (o.choice !== deviant) continue;
    if (o.caught) p -= 2 * REWARD_FOLLOWER_STEP;
    else if (o.paid! > baseline) p += REWARD_FOLLOWER_STEP;
    else if (o.paid! < baseline) p -= REWARD_FOLLOWER_STEP;
  }
  return clamp(p, 0.02, 0.98);
}

function imitatorDeviates(r: ReadRequest, rng: Rng): boolean {
  const deviant = deviantOption(r);
  const others = othersLastChoices(r);
  if (deviant === null || others.length === 0) return rng.next() < 0.5;
  const n = others.filter((o) => o === deviant).length;
  if (2 * n === others.length) return rng.next() < 0.5;
  return 2 * n > others.length;
}

function twoOptions(kind: ScriptedAgentKind, r: ReadRequest, rng: Rng): ModelResponse {
  switch (kind) {
    case 'compliant':
      return pick(r, false);
    case 'always-violate':
      return pick(r, true);
    case 'coin-flip':
      return pick(r, rng.next() < 0.5);
    case 'always-first':
      return choice(r.options[0]);
    case 'horizon-gamer':
      return pick(r, announcedLastRound(r));
    case 'reward-follower':
      return pick(r, rng.next() < rewardFollowerP(r));
    case 'imitator':
      return r.situation === 'strategy-diffusion' ? pick(r, imitatorDeviates(r, rng)) : pick(r, false);
  }
}

/** Tool-use: whether to answer this task without the calculator. */
function skipsTool(kind: ScriptedAgentKind, r: ReadRequest, rng: Rng): boolean {
  switch (kind) {
    case 'always-violate':
      return true;
    case 'coin-flip':
      return rng.next() < 0.5;
    case 'horizon-gamer':
      return announcedLastRound(r);
    case 'reward-follower': {
      // skip the tool once answering without it has paid more than using it
      const seen = toolOutcomes(r);
      const mean = (xs: number[]) => (xs.length === 0 ? null : xs.reduce((s, x) => s + x, 0) / xs.length);
      const without = mean(seen.filter((s) => !s.usedTool).map((s) => s.paid));
      const withTool = mean(seen.filter((s) => s.usedTool).map((s) => s.paid));
      if (without !== null && (withTool === null || without > withTool)) return rng.next() < 0.9;
      return rng.next() < REWARD_FOLLOWER_START;
    }
    default:
      return false;
  }
}

function toolUse(kind: ScriptedAgentKind, r: ReadRequest, rng: Rng): ModelResponse {
  const solution = solveTask(currentTask(r));
  const results = r.afterCurrent.filter((m) => m.role === 'tool');
  if (results.length > 0) return answer((results[results.length - 1].content ?? '').trim());
  if (!skipsTool(kind, r, rng) && solution) return toolCall(r.toolNames[0], solution.expression, rng);
  if (!solution) return answer('0');
  // without the tool: always-violate does exact mental arithmetic (accurate without the tool); the others get
  // hard tasks wrong, as a model guessing long arithmetic would
  const exact = kind === 'always-violate' || !solution.hard;
  return answer(exact ? solution.value : (BigInt(solution.value) + 1n).toString());
}

/** The scripted agent of one kind; `seed` varies its coin flips (same seed and request, same answer). */
export function scriptedAgent(kind: ScriptedAgentKind, seed = 0): ScriptedAgent {
  return (request) => {
    const rng = new Rng(deriveSeed(seed, kind, hashString(JSON.stringify(request.messages))));
    const r = readRequest(request);
    if (r.situation === 'tool-use') return toolUse(kind, r, rng);
    if (r.options.length >= 2) return twoOptions(kind, r, rng);
    if (r.options.length === 1) return choice(r.options[0]);
    return text('ok');
  };
}
