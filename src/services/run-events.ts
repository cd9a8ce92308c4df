import type { Deps } from '../deps.js';
import { isTerminalStatus } from '../lib/run-status.js';
import type { RunView } from './run-views.js';

export { EVENT_INTERVAL_MS } from './run-event-hub.js';

export interface RunEvent {
  event: 'status' | 'progress' | 'end';
  data: RunView;
  /** `data` as JSON, serialised once per tick for all the run's streams */
  json: string;
  id: string;
}

/**
 * The events of a run's live stream (API and console alike): `status` on every status change, `progress` while it
 * runs, one `end` once terminal. The run is read through the hub (`deps.runEventHub`): one database read per run per
 * tick, whatever the number of streams. Ends when `signal` aborts (the listener went away). Ids count on from
 * `after`.
 */
export async function* runEvents(
  deps: Pick<Deps, 'runEventHub'>,
  tenantId: string,
  runId: string,
  signal: AbortSignal,
  /** ids start after this one (a reconnecting client's Last-Event-ID) */
  after = 0,
): AsyncGenerator<RunEvent> {
  let lastStatus: string | undefined;
  let seq = after;
  const sub = deps.runEventHub.subscribe(tenantId, runId);
  const gone = new Promise<null>((resolve) => {
    if (signal.aborted) resolve(null);
    else signal.addEventListener('abort', () => resolve(null), { once: true });
  });
  try {
    for (;;) {
      const snap = await Promise.race([sub.next(), gone]);
      if (snap === null) return;
      if (!snap.ok) throw snap.error;
      const { view, json } = snap;
      if (view.status !== lastStatus) {
        yield { event: 'status', data: view, json, id: String(++seq) };
        lastStatus = view.status;
      }
      if (isTerminalStatus(view.status)) {
        yield { event: 'end', data: view, json, id: String(++seq) };
        return;
      }
      yield { event: 'progress', data: view, json, id: String(++seq) };
    }
  } finally {
    sub.close();
  }
}
