import type { Deps } from '../deps.js';
import { getRunView, type RunView } from './run-views.js';

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);
export const EVENT_INTERVAL_MS = 500;

export interface RunEvent {
  event: 'status' | 'progress' | 'end';
  data: RunView;
  id: string;
}

/**
 * The events of a run's live stream (API and console alike): `status` on every status change, `progress` while it
 * runs, one `end` once terminal. `sleep` resolves false when the listener went away.
 */
export async function* runEvents(deps: Pick<Deps, 'db'>, tenantId: string, runId: string, sleep: (ms: number) => Promise<boolean>): AsyncGenerator<RunEvent> {
  let lastStatus: string | undefined;
  let seq = 0;
  for (;;) {
    const view = await getRunView(deps, tenantId, runId);
    if (view.status !== lastStatus) {
      yield { event: 'status', data: view, id: String(++seq) };
      lastStatus = view.status;
    }
    if (TERMINAL.has(view.status)) {
      yield { event: 'end', data: view, id: String(++seq) };
      return;
    }
    yield { event: 'progress', data: view, id: String(++seq) };
    if (!(await sleep(EVENT_INTERVAL_MS))) return;
  }
}
