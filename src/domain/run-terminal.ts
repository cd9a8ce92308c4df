import type { Deps } from '../deps.js';
import { enqueueRunWebhook } from '../webhooks/enqueue.js';

/**
 * Called once when a run reaches a terminal status (succeeded, failed, cancelled): the place for follow-ups such
 * as webhook deliveries. Every follow-up must be idempotent and must not throw into the runner.
 */
export async function onRunTerminal(deps: Deps, runId: string) {
  deps.logger.info('run finished', { runId });
  try {
    await enqueueRunWebhook(deps, runId);
  } catch (err) {
    deps.logger.error('could not enqueue the run webhook', { runId, err });
  }
}
