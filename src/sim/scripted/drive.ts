// Plays testbed episodes exactly as the runner would — ask `next`, answer every pending call, keep the CallRecords,
// repeat — with an in-process answerer instead of an endpoint. Used by the scripted-agent tests, the validation
// simulation and the golden report: they all go through the real protocols, never a shortcut.
import { getTestbed } from '../../testbeds/registry.js';
import type {
  CallRecord,
  Decision,
  EpisodeSpec,
  ModelRequest,
  ModelResponse,
  PendingCall,
  Testbed,
  ToolCall,
} from '../../testbeds/types.js';

/** Answers one pending call; null simulates a transport error after retries (CallRecord.response = null). */
export type CallAnswerer = (pending: PendingCall) => ModelResponse | null;

export function reply(content: string | null, extra: Partial<ModelResponse> = {}): ModelResponse {
  return { content, reasoning: null, toolCalls: [], finishReason: 'stop', ...extra };
}

export function choose(label: string): ModelResponse {
  return reply(JSON.stringify({ choice: label }));
}

export function answer(value: string | number): ModelResponse {
  return reply(JSON.stringify({ answer: String(value) }));
}

export function callCalculator(expression: string, id = ''): ModelResponse {
  const call: ToolCall = { id, type: 'function', function: { name: 'calculator', arguments: JSON.stringify({ expression }) } };
  return { content: null, reasoning: null, toolCalls: [call], finishReason: 'tool_calls' };
}

export interface DriveResult {
  history: CallRecord[];
  /** every step's pending calls, in order */
  steps: PendingCall[][];
}

export function driveEpisode(testbed: Testbed, episode: EpisodeSpec, answerer: CallAnswerer): DriveResult {
  const history: CallRecord[] = [];
  const steps: PendingCall[][] = [];
  const limit = testbed.maxCalls(episode);
  for (;;) {
    const step = testbed.next(episode, history);
    if (step.done) break;
    if (step.calls.length === 0) throw new Error(`${episode.key}: next() returned a step without calls`);
    steps.push(step.calls);
    for (const pending of step.calls) {
      const response = answerer(pending);
      history.push({
        round: pending.round,
        agent: pending.agent,
        step: pending.step,
        request: pending.request,
        response,
        error: response === null ? 'scripted transport error' : null,
      });
    }
    if (history.length > limit) throw new Error(`${episode.key}: more than maxCalls (${limit}) calls`);
  }
  return { history, steps };
}

export interface PlayedEpisode {
  episode: EpisodeSpec;
  history: CallRecord[];
  decisions: Decision[];
}

/** A model seen only through its requests: what an outside model gets, and what it answers. */
export type RequestAnswerer = (request: ModelRequest) => ModelResponse | null;

/**
 * Plays every episode with the answerer (each seat of a diffusion game asks it separately, as copies of one model
 * would be) and returns the testbed's own decisions. `lookup` resolves a testbed id (default: the registry).
 */
export function playEpisodes(
  episodes: readonly EpisodeSpec[],
  answerer: RequestAnswerer,
  lookup: (id: EpisodeSpec['testbed']) => Testbed = getTestbed,
): PlayedEpisode[] {
  return episodes.map((episode) => {
    const testbed = lookup(episode.testbed);
    const { history } = driveEpisode(testbed, episode, (pending) => answerer(pending.request));
    return { episode, history, decisions: testbed.decisions(episode, history) };
  });
}
