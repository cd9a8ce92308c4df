import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { Deps } from '../deps.js';
import { runEvents, type RunEvent } from '../services/run-events.js';

/** The largest `Last-Event-ID` taken up: event ids are small counters, anything else is not ours. */
const MAX_EVENT_ID = 1e12;

/** The id a reconnecting client saw last (`Last-Event-ID`), or 0: the new stream's ids continue after it. */
export function lastEventId(header: string | undefined): number {
  if (!header || !/^\d{1,13}$/.test(header.trim())) return 0;
  const n = Number(header.trim());
  return n <= MAX_EVENT_ID ? n : 0;
}

/**
 * A run's live event stream as Server-Sent Events (the API's and the console's). The stream holds one of the
 * tenant's and the server's event-stream places for as long as it is open; a HEAD request opens no stream and holds
 * none (the adapter would drop the body unread, and with it the place's release). Ids continue after the client's
 * `Last-Event-ID`, so a client that skips ids it has seen never skips a reconnected stream's events; every event
 * carries the whole run, so nothing needs replaying.
 */
export async function runEventStream(
  c: Context,
  deps: Pick<Deps, 'runEventHub'>,
  tenantId: string,
  runId: string,
  data: (e: RunEvent) => string = (e) => e.json,
): Promise<Response> {
  if (c.req.method === 'HEAD') {
    return new Response(null, { status: 200, headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' } });
  }
  // taken before the stream starts, so a refusal is a plain 429 problem
  const lease = deps.runEventHub.open(tenantId);
  const after = lastEventId(c.req.header('last-event-id'));
  const gone = new AbortController();
  return streamSSE(c, async (stream) => {
    stream.onAbort(() => gone.abort());
    try {
      for await (const e of runEvents(deps, tenantId, runId, gone.signal, after)) {
        if (stream.aborted) break;
        await stream.writeSSE({ event: e.event, data: data(e), id: e.id });
      }
    } finally {
      lease.release();
    }
  });
}
