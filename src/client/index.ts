// Typed client of the ATP Bench API: openapi-fetch over the types openapi-typescript generates from the committed
// OpenAPI document (`npm run openapi` → openapi/schema.d.ts), plus the few helpers the CLI needs (waiting for a run
// over Server-Sent Events with a polling fallback, problem+json errors as exceptions).
import { abortableSleep } from '../lib/sleep.js';
import { isTerminalStatus, TERMINAL_RUN_STATUSES } from '../lib/run-status.js';
import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from '../../openapi/schema.js';
import type { Report } from '../scoring/report-types.js';

export type { components, paths };
export type AtpClient = Client<paths>;
export type ApiRun = components['schemas']['Run'];
export type ApiReport = components['schemas']['Report'];
export type ApiEndpoint = components['schemas']['Endpoint'];
export type ApiProblem = components['schemas']['Problem'];
export type RunStatus = ApiRun['status'];

export interface AtpClientOptions {
  /** service root, e.g. `https://atp.example.com` (no `/v1`) */
  baseUrl: string;
  /** bearer token (`atp-bench token --tenant NAME`); omit for the public routes */
  token?: string;
  /** custom fetch, e.g. `async (r) => app.request(r)` in tests (it must return a Promise) */
  fetch?: (request: Request) => Promise<Response>;
}

export function createAtpClient(opts: AtpClientOptions): AtpClient {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  return createClient<paths>({
    baseUrl: opts.baseUrl.replace(/\/+$/, ''),
    headers,
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------------------------

/** A non-2xx answer of the API, carrying its problem details when the body was problem+json. */
export class AtpApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Partial<ApiProblem> | null,
    message: string,
  ) {
    super(message);
    this.name = 'AtpApiError';
  }
}

/** "HTTP 422 Endpoint URL refused: …" from a problem body (or whatever the server sent). */
export function describeProblem(status: number, body: unknown): string {
  const p = (body && typeof body === 'object' ? body : {}) as Partial<ApiProblem>;
  const title = typeof p.title === 'string' ? p.title : '';
  const detail = typeof p.detail === 'string' ? p.detail : typeof body === 'string' ? body.slice(0, 300) : '';
  // field errors the detail already says ("endpoint end_x not found") are not said twice
  const fields = Array.isArray(p.errors) ? p.errors.filter((e) => !detail.includes(e.message)).map((e) => `${e.path}: ${e.message}`).join('; ') : '';
  const text = [title, detail && detail !== title ? detail : '', fields]
    .filter(Boolean)
    .join(': ');
  return `HTTP ${status}${text ? ` ${text}` : ''}`;
}

/** The data of an openapi-fetch result, or an AtpApiError for its problem. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok && result.error === undefined) return result.data as T;
  if (result.response.status === 304) {
    throw new AtpApiError(304, null, 'HTTP 304 Not Modified: the If-None-Match ETag is current (getRunIfChanged / getReportIfChanged read that as "unchanged")');
  }
  const problem = result.error && typeof result.error === 'object' ? (result.error as Partial<ApiProblem>) : null;
  throw new AtpApiError(result.response.status, problem, describeProblem(result.response.status, result.error));
}

/** True for errors that mean "the server could not be reached" (DNS, refused connection, reset, TLS, a request timeout). */
export function isNetworkError(err: unknown): boolean {
  if (!(err instanceof Error) || err instanceof AtpApiError) return false;
  if (err.name === 'TimeoutError') return true;
  // fetch's own failures are TypeErrors ("fetch failed", with the socket error as cause); a bug's TypeError is not one
  if (err.name === 'TypeError') return /fetch failed|network|terminated/i.test(err.message);
  return /fetch failed|ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|socket/i.test(err.message);
}

// ---------------------------------------------------------------------------------------------------------------
// Runs
// ---------------------------------------------------------------------------------------------------------------

export const TERMINAL_STATUSES: readonly RunStatus[] = TERMINAL_RUN_STATUSES;
export const isTerminal = isTerminalStatus;

/**
 * A 2xx answer that is not what the API returns: `--url` points at something else (a model server, a login page
 * behind a proxy) or at a service of another version.
 */
export class UnexpectedAnswerError extends Error {
  constructor(what: string) {
    super(`${what} (is the URL the ATP Bench service, and of a matching version?)`);
    this.name = 'UnexpectedAnswerError';
  }
}

const isRunShaped = (x: unknown): x is ApiRun => {
  const r = x as Partial<ApiRun> | null;
  return !!r && typeof r === 'object' && typeof r.id === 'string' && typeof r.status === 'string' && !!r.progress && typeof r.progress.percent === 'number';
};

/** The run as the API returns it, or UnexpectedAnswerError for any other 2xx body. */
export function asRun(x: unknown, what: string): ApiRun {
  if (!isRunShaped(x)) throw new UnexpectedAnswerError(`${what} did not answer with a run`);
  return x;
}

/**
 * The answer to a conditional GET (`If-None-Match`): `modified: false` when the client's copy is current (the 304 a
 * plain `unwrap` would throw on), else the new data with its ETag to send next time.
 */
export type Revalidated<T> = { modified: false; etag: string } | { modified: true; etag: string | null; data: T };

function revalidated<T>(result: { data?: unknown; error?: unknown; response: Response }, etag: string, read: (x: unknown) => T): Revalidated<T> {
  // a 304 names the current tag (the caller may have sent `*` or a list)
  if (result.response.status === 304) return { modified: false, etag: result.response.headers.get('etag') ?? etag };
  return { modified: true, etag: result.response.headers.get('etag'), data: read(unwrap(result)) };
}

export async function getRun(client: AtpClient, runId: string, signal?: AbortSignal): Promise<ApiRun> {
  // openapi-fetch marks response types Readable<…>; the shape is the schema's
  return asRun(unwrap(await client.GET('/v1/runs/{id}', { params: { path: { id: runId } }, signal })), `GET /v1/runs/${runId}`);
}

/** The run's report (409 until it has succeeded), typed as the `atp-report/1` contract (src/scoring/report-types.ts). */
export async function getReport(client: AtpClient, runId: string, signal?: AbortSignal): Promise<Report> {
  return asReport(unwrap(await client.GET('/v1/runs/{id}/report', { params: { path: { id: runId } }, signal })), runId);
}

function asReport(x: unknown, runId: string): Report {
  const report = x as Partial<Report> | null;
  if (report?.schemaVersion !== 'atp-report/1' || !report.subject || typeof report.subject !== 'object') {
    throw new UnexpectedAnswerError(`GET /v1/runs/${runId}/report did not answer with an atp-report/1 report (schemaVersion ${JSON.stringify(report?.schemaVersion ?? null)})`);
  }
  return report as Report;
}

/** The run, unless `etag` (from an earlier answer) is still its current state. */
export async function getRunIfChanged(client: AtpClient, runId: string, etag: string, signal?: AbortSignal): Promise<Revalidated<ApiRun>> {
  const result = await client.GET('/v1/runs/{id}', { params: { path: { id: runId }, header: { 'if-none-match': etag } }, signal });
  return revalidated(result, etag, (x) => asRun(x, `GET /v1/runs/${runId}`));
}

/** The report, unless `etag` names the bytes the caller already holds (a finished report only changes on rescore). */
export async function getReportIfChanged(client: AtpClient, runId: string, etag: string, signal?: AbortSignal): Promise<Revalidated<Report>> {
  const result = await client.GET('/v1/runs/{id}/report', { params: { path: { id: runId }, header: { 'if-none-match': etag } }, signal });
  return revalidated(result, etag, (x) => asReport(x, runId));
}

export class RunWaitTimeoutError extends Error {
  constructor(
    readonly runId: string,
    readonly lastRun: ApiRun | null,
    readonly timeoutMs: number,
  ) {
    super(`run ${runId} did not finish within ${Math.round(timeoutMs / 1000)} s (last status: ${lastRun?.status ?? 'unknown'})`);
    this.name = 'RunWaitTimeoutError';
  }
}

export interface WaitForRunOptions {
  /** called with every run state seen (progress and status changes) */
  onUpdate?: (run: ApiRun) => void;
  /** give up after this long (RunWaitTimeoutError); default: wait forever */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** interval of the polling fallback (default 1000 ms) */
  pollMs?: number;
  /** read `GET /v1/runs/{id}/events` first (default true); polling is the fallback either way */
  events?: boolean;
  /**
   * give up with the network error once the service has not been reachable for this long (default 30 s): long
   * enough to ride out a restart, short enough that a wrong URL fails a CI job in under a minute
   */
  unreachableMs?: number;
}

export const DEFAULT_UNREACHABLE_MS = 30_000;
/** the shortest time a status request is given, however little is left of unreachableMs */
const MIN_REQUEST_MS = 2_000;

/** One Server-Sent Event. */
export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

/** No answer from the service for a while, though the connection stays open (a hung server or proxy). */
export class ServiceSilentError extends Error {
  constructor(readonly silentMs: number) {
    super(`the service sent nothing for ${Math.round(silentMs / 1000)} s`);
    this.name = 'TimeoutError';
  }
}

/** `promise`, or a ServiceSilentError once `ms` pass first. */
async function within<T>(promise: Promise<T>, ms: number | undefined): Promise<T> {
  if (ms === undefined) return promise;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new ServiceSilentError(ms)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Parses a `text/event-stream` body into events (spec: lines, blank line ends an event, `data:` lines join). With
 * `idleMs`, a stream that sends no byte for that long throws ServiceSilentError: a server that stopped answering
 * but keeps the connection open must not hold the reader forever.
 */
export async function* readSse(body: ReadableStream<Uint8Array>, opts: { idleMs?: number } = {}): AsyncGenerator<SseEvent> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let event = 'message';
  let data: string[] = [];
  let id: string | undefined;
  try {
    for (;;) {
      const { value, done } = await within(reader.read(), opts.idleMs);
      if (done) break;
      buffer += value;
      let nl: number;
      while ((nl = buffer.search(/\r\n|\r|\n/)) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + (buffer.startsWith('\r\n', nl) ? 2 : 1));
        if (line === '') {
          if (data.length > 0) yield { event, data: data.join('\n'), ...(id !== undefined ? { id } : {}) };
          event = 'message';
          data = [];
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const val = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event = val;
        else if (field === 'data') data.push(val);
        else if (field === 'id') id = val;
      }
    }
  } finally {
    reader.releaseLock();
    await body.cancel().catch(() => {});
  }
}

const sleep = abortableSleep;

/**
 * Waits until a run is terminal and returns its last state. Follows the run's event stream; when the stream is
 * unavailable or breaks off, polls `GET /v1/runs/{id}` every `pollMs` instead. API errors (401, 404 …) are thrown
 * as AtpApiError, the timeout as RunWaitTimeoutError, an aborted `signal` as its reason.
 */
export async function waitForRun(client: AtpClient, runId: string, opts: WaitForRunOptions = {}): Promise<ApiRun> {
  const pollMs = opts.pollMs ?? 1000;
  const unreachableMs = opts.unreachableMs ?? DEFAULT_UNREACHABLE_MS;
  let lastContact = Date.now();
  const ctl = new AbortController();
  let timedOut = false;
  const timer =
    opts.timeoutMs !== undefined
      ? setTimeout(() => {
          timedOut = true;
          ctl.abort(new Error('timeout'));
        }, opts.timeoutMs)
      : undefined;
  const onOuterAbort = () => ctl.abort(opts.signal!.reason);
  if (opts.signal?.aborted) onOuterAbort();
  opts.signal?.addEventListener('abort', onOuterAbort, { once: true });

  let last: ApiRun | null = null;
  const seen = (run: ApiRun) => {
    last = run;
    opts.onUpdate?.(run);
    return isTerminal(run.status);
  };
  const stop = () => {
    if (timedOut) return new RunWaitTimeoutError(runId, last, opts.timeoutMs!);
    return opts.signal?.reason ?? new Error('aborted');
  };

  // The service sends a progress event at least every second while a run is active, so silence for unreachableMs
  // means it stopped answering even though the connection stays open: give up on the stream, then poll with each
  // request bounded by what is left of unreachableMs, so a hung service fails the wait about unreachableMs after
  // its last answer instead of never.
  const stream = new AbortController();
  const onAbort = () => stream.abort(ctl.signal.reason);
  ctl.signal.addEventListener('abort', onAbort, { once: true });
  try {
    if (opts.events !== false) {
      try {
        const res = await within(
          client.GET('/v1/runs/{id}/events', {
            params: { path: { id: runId } },
            parseAs: 'stream',
            signal: stream.signal,
            headers: { accept: 'text/event-stream' },
          }),
          unreachableMs,
        );
        lastContact = Date.now();
        if (!res.response.ok) {
          // auth and existence problems are final; anything else falls back to polling
          if ([401, 403, 404].includes(res.response.status)) unwrap(res);
          await res.response.body?.cancel().catch(() => {});
        } else if (res.data) {
          for await (const ev of readSse(res.data, { idleMs: unreachableMs })) {
            lastContact = Date.now();
            if (ev.event !== 'progress' && ev.event !== 'status' && ev.event !== 'end') continue;
            let run: unknown;
            try {
              run = JSON.parse(ev.data);
            } catch {
              continue;
            }
            // an event that is no run (another server's stream) is skipped; the polls check what they get
            if (isRunShaped(run) && seen(run)) return run;
          }
        }
      } catch (err) {
        if (err instanceof AtpApiError) throw err;
        if (ctl.signal.aborted) throw stop();
        // a broken or silent stream: poll instead
      } finally {
        stream.abort(new Error('stream closed'));
      }
    }
    for (;;) {
      if (ctl.signal.aborted) throw stop();
      let run: ApiRun;
      try {
        const left = Math.max(MIN_REQUEST_MS, unreachableMs - (Date.now() - lastContact));
        run = await getRun(client, runId, AbortSignal.any([ctl.signal, AbortSignal.timeout(left)]));
      } catch (err) {
        if (ctl.signal.aborted) throw stop();
        // a server restart or a network blip must not end a long wait; API errors other than 5xx do
        if (err instanceof AtpApiError && err.status < 500 && err.status !== 429) throw err;
        if (!(err instanceof AtpApiError) && !isNetworkError(err)) throw err;
        if (err instanceof AtpApiError) lastContact = Date.now();
        else if (Date.now() - lastContact >= unreachableMs) {
          throw (err as Error).name === 'TimeoutError' ? new ServiceSilentError(Date.now() - lastContact) : err;
        }
        await sleep(pollMs, ctl.signal);
        continue;
      }
      lastContact = Date.now();
      if (seen(run)) return run;
      await sleep(pollMs, ctl.signal);
    }
  } finally {
    if (timer) clearTimeout(timer);
    ctl.signal.removeEventListener('abort', onAbort);
    opts.signal?.removeEventListener('abort', onOuterAbort);
  }
}
