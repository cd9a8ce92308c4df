// `atp-bench gate`: a CI release gate. Starts a run (or follows `--run ID`), shows progress on stderr, prints the
// verdict table (or JSON) on stdout and exits 0 when every given threshold holds, 1 when one fails, 2 when the
// run could not be judged (failed/cancelled run, timeout, bad arguments, unreachable server). See docs/ci.md.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import {
  AtpApiError,
  asRun,
  createAtpClient,
  DEFAULT_UNREACHABLE_MS,
  getReport,
  isNetworkError,
  ServiceSilentError,
  RunWaitTimeoutError,
  UnexpectedAnswerError,
  unwrap,
  waitForRun,
  type ApiRun,
  type AtpClient,
} from '../client/index.js';
import type { Report } from '../scoring/report-types.js';
import { createProgressReporter, type ProgressStream } from './progress.js';
import { evaluateSubject, formatVerdictTable, hasThresholds, verdictSummary, type Thresholds, type Verdict } from './verdict.js';

/** Where a command writes, and what it reads from its environment (injectable for in-process tests). */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: ProgressStream;
  env?: Record<string, string | undefined>;
  /** custom fetch for the API client (tests: `async (r) => app.request(r)`) */
  fetch?: (request: Request) => Promise<Response>;
}

export const processIo = (): CliIo => ({ stdout: process.stdout, stderr: process.stderr, env: process.env });

export const EXIT_PASS = 0;
export const EXIT_FAIL = 1;
export const EXIT_ERROR = 2;

/** The suite a gate runs when none is given: the small v2 suite (counterbalanced, with control arms). */
export const DEFAULT_GATE_SUITE = 'atp-quick-v2';

export const GATE_USAGE = `usage: atp-bench gate --url URL --token TOKEN (--endpoint ID | --run ID) [options]

Starts a run of a suite against one of your endpoints (or follows an existing run with --run), waits for it and
checks the report against thresholds. Exit code: 0 every given threshold holds, 1 a threshold fails,
2 the run could not be judged: it failed / was cancelled / timed out, no score could be computed (every testbed
left it), bad arguments, or the server could not be reached.

  --url URL                  service root (env ATP_URL)
  --token TOKEN              bearer token (env ATP_TOKEN; prefer the env var in CI logs)
  --endpoint ID              endpoint to evaluate (starts a new run)
  --run ID                   wait for and judge an existing run instead
  --suite ID                 suite (default atp-quick-v2)
  --seed N                   run seed (default: the suite's published seed, 20261201 for atp-standard-v2, else 0;
                             another seed on a leaderboard suite makes the run custom, kept off the leaderboard)
  --max-violation X          role-play: last-round violation rate must be ≤ X
  --max-collusion X          strategy-diffusion: last-round collusion rate (mean over thresholds) must be ≤ X
  --max-probe-no-tool X      tool-use: hard probes answered without the tool (largest k) must be ≤ X
  --max-drift X              role-play: drift attributable to the reward feedback, (treatment last − first) −
                             (control last − first), −2 … 2, must be ≤ X
  --max-collusion-drift X    strategy-diffusion: attributable drift of the collusion rate (−2 … 2) must be ≤ X
  --min-score S              ATP robustness score (0–100) must be ≥ S
  --strict                   compare the 95% interval's bound instead of the estimate: the upper bound of each
                             rate or drift, the lower bound of the score (fewer false passes; see docs/ci.md)
  --json                     print the verdict as JSON
  --timeout-minutes N        give up waiting after N minutes (default 60)
  --idempotency-key KEY      key for starting the run (default: derived from the CI job, else random)

Testbeds the endpoint does not support (e.g. tool-use without "tools") are reported as SKIP, not as failures;
so are the drift metrics on a suite without control arms (v1). A score that left out a testbed is shown as
partial, with the reasons.
`;

export interface GateArgs {
  url: string;
  token: string;
  endpoint?: string;
  run?: string;
  suite: string;
  seed?: number;
  thresholds: Thresholds;
  strict: boolean;
  json: boolean;
  timeoutMs: number;
  idempotencyKey?: string;
}

class UsageError extends Error {}

function rateOption(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x) || x < 0 || x > 1) throw new UsageError(`--${name} must be a rate between 0 and 1 (got "${v}")`);
  return x;
}

/**
 * A drift threshold: attributable drift is (treatment last − first) − (control last − first), a difference of two
 * rate changes, so it lies between −2 and 2 (the reports' intervals reach those ends).
 */
function driftOption(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x) || x < -2 || x > 2) {
    throw new UsageError(`--${name} must be a drift (a difference of two rate changes) between -2 and 2 (got "${v}")`);
  }
  return x;
}

/**
 * node:util parseArgs takes `--max-drift -0.1` for two options ("argument is ambiguous"); drift thresholds are
 * negative by design, so a value that is a negative number is joined to its option (`--max-drift=-0.1`).
 */
function joinNegativeNumbers(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const next = argv[i + 1];
    if (/^--[a-z-]+$/.test(argv[i]) && next !== undefined && /^-(?:\d|\.\d)/.test(next)) {
      out.push(`${argv[i]}=${next}`);
      i++;
    } else out.push(argv[i]);
  }
  return out;
}

export function parseGateArgs(argv: string[], env: Record<string, string | undefined> = {}): GateArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: joinNegativeNumbers(argv),
      strict: true,
      allowPositionals: false,
      options: {
        url: { type: 'string' },
        token: { type: 'string' },
        endpoint: { type: 'string' },
        run: { type: 'string' },
        suite: { type: 'string', default: DEFAULT_GATE_SUITE },
        seed: { type: 'string' },
        'max-violation': { type: 'string' },
        'max-collusion': { type: 'string' },
        'max-probe-no-tool': { type: 'string' },
        'max-drift': { type: 'string' },
        'max-collusion-drift': { type: 'string' },
        'min-score': { type: 'string' },
        strict: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        'timeout-minutes': { type: 'string' },
        'idempotency-key': { type: 'string' },
      },
    }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const url = values.url ?? env.ATP_URL;
  const token = values.token ?? env.ATP_TOKEN;
  if (!url) throw new UsageError('--url is required (or set ATP_URL)');
  if (!/^https?:\/\/[^\s/]+/i.test(url)) throw new UsageError(`--url must be an http(s) URL (got "${url}")`);
  if (!token) throw new UsageError('--token is required (or set ATP_TOKEN)');
  if (!values.endpoint && !values.run) throw new UsageError('give --endpoint ID to start a run, or --run ID to follow one');
  if (values.endpoint && values.run) throw new UsageError('give either --endpoint or --run, not both');
  let seed: number | undefined;
  if (values.seed !== undefined) {
    seed = Number(values.seed);
    if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 31 - 1) throw new UsageError('--seed must be an integer between 0 and 2147483647');
  }
  let minScore: number | undefined;
  if (values['min-score'] !== undefined) {
    minScore = Number(values['min-score']);
    if (values['min-score'].trim() === '' || !Number.isFinite(minScore) || minScore < 0 || minScore > 100) {
      throw new UsageError(`--min-score must be between 0 and 100 (got "${values['min-score']}")`);
    }
  }
  const minutes = values['timeout-minutes'] === undefined ? 60 : Number(values['timeout-minutes']);
  if (!Number.isFinite(minutes) || minutes <= 0) throw new UsageError('--timeout-minutes must be a positive number');
  const key = values['idempotency-key'];
  if (key !== undefined && !/^[\x21-\x7e]{1,255}$/.test(key)) throw new UsageError('--idempotency-key must be 1–255 visible ASCII characters');
  return {
    url: url.replace(/\/+$/, ''),
    token,
    endpoint: values.endpoint,
    run: values.run,
    suite: values.suite ?? DEFAULT_GATE_SUITE,
    seed,
    thresholds: {
      maxViolation: rateOption(values['max-violation'], 'max-violation'),
      maxCollusion: rateOption(values['max-collusion'], 'max-collusion'),
      maxProbeNoTool: rateOption(values['max-probe-no-tool'], 'max-probe-no-tool'),
      maxDrift: driftOption(values['max-drift'], 'max-drift'),
      maxCollusionDrift: driftOption(values['max-collusion-drift'], 'max-collusion-drift'),
      minScore,
    },
    strict: values.strict ?? false,
    json: values.json ?? false,
    timeoutMs: Math.round(minutes * 60_000),
    idempotencyKey: key,
  };
}

/**
 * A key that is stable across retries of the same CI job attempt (so a retried step does not start a second run)
 * and differs between attempts: GitHub Actions, GitLab CI, Buildkite; otherwise random.
 */
export function defaultIdempotencyKey(args: Pick<GateArgs, 'endpoint' | 'suite' | 'seed'>, env: Record<string, string | undefined>): string {
  const job =
    env.GITHUB_RUN_ID
      ? `gh-${env.GITHUB_REPOSITORY ?? ''}-${env.GITHUB_RUN_ID}-${env.GITHUB_RUN_ATTEMPT ?? '1'}-${env.GITHUB_JOB ?? ''}`
      : env.CI_JOB_ID
        ? `gl-${env.CI_PROJECT_ID ?? ''}-${env.CI_JOB_ID}`
        : env.BUILDKITE_JOB_ID
          ? `bk-${env.BUILDKITE_JOB_ID}-${env.BUILDKITE_RETRY_COUNT ?? '0'}`
          : undefined;
  const base = job ? `atp-gate-${job}-${args.endpoint}-${args.suite}-${args.seed ?? 'd'}` : `atp-gate-${randomUUID()}`;
  return base.replace(/[^\x21-\x7e]/g, '_').slice(0, 255);
}

/** per-request cap for the calls outside the wait (a hung server must not hang the CI job) */
export const REQUEST_TIMEOUT_MS = 60_000;
/** the cap on starting the run: the same 30 s after which following a run gives up on a silent service */
const START_TIMEOUT_MS = DEFAULT_UNREACHABLE_MS;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The longest a 429's Retry-After is waited for before a retry of POST /v1/runs. */
const MAX_START_RETRY_AFTER_MS = 120_000;

/**
 * How long to wait before trying POST /v1/runs again, or null when another try cannot help: a network error or a
 * 5xx other than 501/507 (a storage quota does not clear by waiting) backs off 1 s, 2 s, …; a 429 waits what its
 * Retry-After asks (the active-runs limit says how long a slot takes), up to two minutes.
 */
function startRetryWaitMs(err: unknown, attempt: number): number | null {
  const backoff = 1000 * 2 ** (attempt - 1);
  if (isNetworkError(err)) return backoff;
  if (!(err instanceof AtpApiError)) return null;
  if (err.status === 429) {
    const asked = Number((err.problem as { retryAfterSeconds?: unknown } | null)?.retryAfterSeconds ?? NaN);
    return Number.isFinite(asked) && asked > 0 ? Math.min(asked * 1000, MAX_START_RETRY_AFTER_MS) : backoff;
  }
  return err.status >= 500 && err.status !== 501 && err.status !== 507 ? backoff : null;
}

/** POST /v1/runs, retried on network errors, 429 and transient 5xx with the same Idempotency-Key (so at most one run). */
export async function startRun(
  client: AtpClient,
  body: { endpointId: string; suite: string; seed?: number; baselines?: { promptAligned?: boolean; endpointIds?: string[] } },
  key: string,
  attempts = 3,
): Promise<ApiRun> {
  for (let i = 1; ; i++) {
    try {
      const res = await client.POST('/v1/runs', {
        body,
        params: { header: { 'idempotency-key': key } },
        signal: AbortSignal.timeout(START_TIMEOUT_MS),
      });
      return asRun(unwrap(res), 'POST /v1/runs');
    } catch (err) {
      // a service that kept the connection open without answering for START_TIMEOUT_MS has stopped answering: a
      // retry would wait as long again (three tries held a CI job three minutes)
      if ((err as Error).name === 'TimeoutError') throw new ServiceSilentError(START_TIMEOUT_MS);
      const wait = startRetryWaitMs(err, i);
      if (wait === null || i >= attempts) throw err;
      await sleep(wait);
    }
  }
}

export interface GateResult {
  exitCode: number;
  runId?: string;
  status?: string;
  verdict?: Verdict;
  error?: string;
}

function reportLinks(url: string, runId: string) {
  return { report: `${url}/v1/runs/${runId}/report`, reportHtml: `${url}/v1/runs/${runId}/report.html` };
}

/** Runs the gate; returns the process exit code. */
export async function runGate(argv: string[], io: CliIo = processIo()): Promise<number> {
  const env = io.env ?? {};
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(GATE_USAGE);
    return EXIT_PASS;
  }
  let args: GateArgs;
  try {
    args = parseGateArgs(argv, env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr.write(`atp-bench gate: ${err.message}\n\n${GATE_USAGE}`);
    // a CI step that parses --json output gets the same shape as for any other error
    if (argv.includes('--json')) io.stdout.write(JSON.stringify({ passed: false, exitCode: EXIT_ERROR, error: err.message, runId: null, status: null }, null, 2) + '\n');
    return EXIT_ERROR;
  }

  // what the gate last knew, for the error shape whatever goes wrong
  const known: { runId?: string; status?: string } = { runId: args.run };
  const fail = (message: string, extra: { runId?: string; status?: string } = {}): number => {
    io.stderr.write(`atp-bench gate: ${message}\n`);
    if (args.json) {
      io.stdout.write(
        JSON.stringify({ passed: false, exitCode: EXIT_ERROR, error: message, runId: extra.runId ?? known.runId ?? null, status: extra.status ?? known.status ?? null }, null, 2) + '\n',
      );
    }
    return EXIT_ERROR;
  };
  try {
    return await judge(args, io, env, known, fail);
  } catch (err) {
    // a bug or an answer nobody foresaw must not read as a threshold failure (exit 1): the run could not be judged
    return fail(`unexpected error: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function judge(
  args: GateArgs,
  io: CliIo,
  env: Record<string, string | undefined>,
  known: { runId?: string; status?: string },
  fail: (message: string, extra?: { runId?: string; status?: string }) => number,
): Promise<number> {
  const client = createAtpClient({ baseUrl: args.url, token: args.token, fetch: io.fetch });
  let runId = args.run;
  const describeError = (err: unknown, doing: string): string => {
    if (err instanceof AtpApiError || err instanceof UnexpectedAnswerError) return `${doing}: ${err.message}`;
    if (err instanceof ServiceSilentError) return `${args.url} stopped answering: ${err.message}`;
    if (isNetworkError(err)) {
      const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause;
      return `cannot reach ${args.url} (${cause?.code ?? cause?.message ?? (err as Error).message})`;
    }
    return `${doing}: ${err instanceof Error ? err.message : String(err)}`;
  };

  if (!runId) {
    const key = args.idempotencyKey ?? defaultIdempotencyKey(args, env);
    try {
      const body = { endpointId: args.endpoint!, suite: args.suite, ...(args.seed !== undefined ? { seed: args.seed } : {}) };
      const run = await startRun(client, body, key);
      runId = run.id;
      known.runId = run.id;
      known.status = run.status;
      io.stderr.write(
        `started run ${run.id} (${run.suite.id} ${run.suite.version}, ${run.progress.total} calls) against ${args.endpoint}\n`,
      );
    } catch (err) {
      return fail(describeError(err, 'could not start the run'));
    }
  } else {
    io.stderr.write(`following run ${runId}\n`);
  }

  const progress = createProgressReporter(io.stderr, { label: 'atp' });
  let final: ApiRun;
  try {
    final = await waitForRun(client, runId, {
      timeoutMs: args.timeoutMs,
      onUpdate: (r) => {
        known.status = r.status;
        progress.update(r);
      },
    });
  } catch (err) {
    progress.finish();
    if (err instanceof RunWaitTimeoutError) {
      return fail(
        `${err.message}; the run goes on on the server — judge it later with --run ${runId}`,
        { runId, status: err.lastRun?.status },
      );
    }
    return fail(describeError(err, `could not follow run ${runId}`));
  }
  progress.finish();

  const links = reportLinks(args.url, runId);
  if (final.status !== 'succeeded') {
    const why = final.error ? `: ${final.error.title}${final.error.detail ? ` — ${final.error.detail}` : ''}` : '';
    return fail(`run ${runId} ${final.status}${why}`, { runId, status: final.status });
  }

  let report: Report;
  try {
    report = await getReport(client, runId, AbortSignal.timeout(REQUEST_TIMEOUT_MS));
  } catch (err) {
    return fail(describeError(err, `could not read the report of ${runId}`), { runId, status: final.status });
  }
  const verdict = evaluateSubject(report.subject, args.thresholds, { strict: args.strict });
  // documented (only the thresholds given are checked), but a CI job whose thresholds were lost must not pass unseen
  if (!hasThresholds(args.thresholds)) {
    io.stderr.write('atp-bench gate: no thresholds were given (--min-score, --max-violation, …): nothing was checked, so the gate passes\n');
  }
  // no testbed remained in the score: nothing was measured that a threshold could be held to
  const exitCode = verdict.scoreUnavailable ? EXIT_ERROR : verdict.passed ? EXIT_PASS : EXIT_FAIL;

  if (args.json) {
    io.stdout.write(
      JSON.stringify(
        {
          passed: verdict.passed,
          exitCode,
          runId,
          status: final.status,
          suite: report.suite,
          custom: report.custom,
          model: report.subject.model,
          score: report.subject.score,
          scoreCi95: report.subject.scoreCi95 ?? null,
          scoreStatus: verdict.scoreStatus,
          scoreReasons: verdict.scoreReasons,
          lowValidity: report.subject.lowValidity,
          strict: verdict.strict,
          rows: verdict.rows,
          links,
        },
        null,
        2,
      ) + '\n',
    );
  } else {
    const title = `ATP gate — ${report.subject.label} (${report.subject.model}), ${report.suite.id} ${report.suite.version}${report.custom ? ' (custom)' : ''}, run ${runId}`;
    io.stdout.write('\n' + formatVerdictTable(verdict, { title }));
    if (report.subject.lowValidity) {
      io.stdout.write('  warning: more than 10% of the answers of at least one testbed could not be read (lowValidity): its rates rest on fewer decisions\n');
    }
    if (verdict.scoreUnavailable) io.stderr.write(`atp-bench gate: run ${runId} cannot be judged: no testbed remained in the score\n`);
    io.stdout.write(`\n${verdictSummary(verdict)}\nreport: ${links.report}\n        ${links.reportHtml}\n`);
  }
  return exitCode;
}
