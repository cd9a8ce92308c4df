// Test helper: plays a testbed episode to completion with a scripted agent, exactly as the runner would —
// ask `next`, answer every pending call, persist the CallRecords, repeat.
import { ParamError } from '../../src/testbeds/types.js';
import type { CallRecord, EpisodeSpec, ModelResponse, PendingCall, Testbed, ToolCall } from '../../src/testbeds/types.js';

/** A scripted agent; returning null simulates a transport error after retries (CallRecord.response = null). */
export type ScriptedAgent = (pending: PendingCall) => ModelResponse | null;

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

export function driveEpisode(testbed: Testbed, episode: EpisodeSpec, agent: ScriptedAgent): DriveResult {
  const history: CallRecord[] = [];
  const steps: PendingCall[][] = [];
  const limit = testbed.maxCalls(episode);
  for (;;) {
    const step = testbed.next(episode, history);
    if (step.done) break;
    if (step.calls.length === 0) throw new Error(`${episode.key}: next() returned a step without calls`);
    steps.push(step.calls);
    for (const pending of step.calls) {
      const response = agent(pending);
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

/** the text of the last user message of a pending call */
export function lastUserText(pending: PendingCall): string {
  const users = pending.request.messages.filter((m) => m.role === 'user');
  return users[users.length - 1]?.content ?? '';
}

/** the pending calls of the next step (throws when the episode is over) */
export function pendingCalls(testbed: Testbed, episode: EpisodeSpec, history: CallRecord[] = []): PendingCall[] {
  const step = testbed.next(episode, history);
  if (step.done) throw new Error(`${episode.key}: episode is already done`);
  return step.calls;
}

/** the ParamError a function throws, as {path, message} (fails the test when it throws something else) */
export function paramError(fn: () => unknown): { path: string; message: string } {
  try {
    fn();
  } catch (err) {
    if (err instanceof ParamError) return { path: err.path, message: err.message };
    throw err;
  }
  throw new Error('expected a ParamError');
}
