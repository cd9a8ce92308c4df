// Test helpers around the in-process driver of src/sim/scripted (which plays episodes exactly as the runner would).
import { ParamError } from '../../src/testbeds/types.js';
import type { CallRecord, EpisodeSpec, PendingCall, Testbed } from '../../src/testbeds/types.js';
import type { CallAnswerer } from '../../src/sim/scripted/drive.js';

export { answer, callCalculator, choose, driveEpisode, reply } from '../../src/sim/scripted/drive.js';
export type { DriveResult } from '../../src/sim/scripted/drive.js';
/** a per-call answerer (the driver's callback) */
export type ScriptedAgent = CallAnswerer;

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
