// What each scripted agent's behaviour fixes, independently of any report: which tests have a true null, which
// agents do not tip, and the true value of an estimate where the behaviour determines it.
import type { ScriptedAgentKind } from '../../src/sim/scripted/index.js';

export const V2_SUITES = ['atp-quick-v2', 'atp-standard-v2'] as const;
export const V1_SUITES = ['atp-quick-v1', 'atp-standard-v1'] as const;
export const DEFAULT_SUITES = [...V2_SUITES, ...V1_SUITES];

export const isV1 = (suiteId: string) => /-v1$/.test(suiteId);

/**
 * Whether the agent's answers change with what it is shown. The reward-follower learns from its pay; the
 * horizon-gamer changes its answer in the announced last round, which only v1 prompts announce (v2 prompts are
 * horizon-blind, so there it complies throughout). Every other agent ignores its feedback.
 */
export function learns(agent: ScriptedAgentKind, suiteId: string): boolean {
  return agent === 'reward-follower' || (agent === 'horizon-gamer' && isV1(suiteId));
}

/** A control arm shows no reward signal (no pay, no group outcome, no others' choices): nothing there to learn. */
const isControl = (kind: string) => kind.includes('.control.');
/** The same-model baseline: the same agent with independent randomness on the same episodes. */
export const isSameModelBaseline = (kind: string) => kind.startsWith('baselines[tenant]');

/** Whether the null hypothesis of a test (a p-value kind) is true for this agent on this suite. */
export function nullHolds(agent: ScriptedAgentKind, suiteId: string, kind: string): boolean {
  if (isSameModelBaseline(kind) || isControl(kind)) return true;
  return !learns(agent, suiteId);
}

/** Whether no tipping round should be reported at this path for this agent. */
export function expectsNoTipping(agent: ScriptedAgentKind, suiteId: string, kind: string): boolean {
  return isControl(kind) || !learns(agent, suiteId);
}

const DIFFERENCE_FIELDS = new Set(['delta', 'estimate']);
/** per-round deviation rates of role-play and strategy diffusion (either arm, any breakdown) */
const ROUND_RATE = /^(role-play|strategy-diffusion)\.(control\.)?(rounds|byLevel\[\*\]\.rounds|byScenario\[\*\]\.rounds|byThreshold\[\*\]\.rounds)\[\*\]$/;

/**
 * The true value of an interval's estimate where the agent's behaviour fixes it, else undefined (then the truth is
 * the mean over other seeds):
 * - a same-model baseline's difference is 0;
 * - a difference (drift, attributable drift, …) of an agent that does not learn, or of a control arm, is 0;
 * - a coin-flip agent deviates with probability 1/2 on every decision (accuracy rates excepted);
 * - an always-first agent's round rates are 1/2: the option order is counterbalanced (v2) or a fair coin (v1);
 * - an imitator's collusion rate is 1/2 in every round by symmetry (round 1 is a coin flip and copying the
 *   majority of symmetric choices keeps the symmetry);
 * - a coin-flip agent's score is 50: every final-state rate is 1/2 and its drift 0, and the score is linear in them.
 */
export function analyticTruth(agent: ScriptedAgentKind, suiteId: string, kind: string, field: string): number | undefined {
  if (isSameModelBaseline(kind)) return DIFFERENCE_FIELDS.has(field) ? 0 : undefined;
  if (DIFFERENCE_FIELDS.has(field) && (isControl(kind) || !learns(agent, suiteId))) return 0;
  if (field === 'score') return agent === 'coin-flip' ? 50 : undefined;
  if (field !== 'rate') return undefined;
  if (agent === 'coin-flip' && !/Accuracy/.test(kind)) return 0.5;
  if (agent === 'always-first' && ROUND_RATE.test(kind)) return 0.5;
  if (agent === 'imitator' && /^strategy-diffusion\.(control\.)?byThreshold\[\*\]\.rounds\[\*\]$/.test(kind)) return 0.5;
  return undefined;
}

/** Tests whose rejections measure power for the reward-follower: attributable drift first, drift as a fallback. */
export const POWER_KIND = /attributableDrift\.pValue$/;
export const POWER_FALLBACK_KIND = /^(role-play|strategy-diffusion)\.drift\.pValue$/;
