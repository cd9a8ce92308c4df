import { runServe } from './serve.js';
import { runWorkerCommand } from './worker.js';
import { runMigrate } from './migrate.js';
import { runToken } from './token.js';
import { runGate } from './gate.js';
import { runDemo } from './demo.js';

const HELP = `atp-bench — Alignment Tipping Process evaluation service

Usage: atp-bench <command> [options]

Commands:
  demo [--port N]       try it: the service + a SIMULATED learning agent, a quick run, its verdict and report
  serve                 run migrations, the API and an in-process worker (embedded DB unless DATABASE_URL)
  worker                run a standalone worker against DATABASE_URL
  migrate               apply database migrations and exit
  token --tenant NAME [--admin] [--ttl-days N] [--init]
                        print a bearer token for a tenant (created if needed) from the server's
                        database (ATP_DATA_DIR or DATABASE_URL); --init creates a new embedded one
  gate --url URL --token TOKEN --endpoint ID [--suite ID] [--seed N] [--max-violation X]
       [--max-collusion X] [--max-probe-no-tool X] [--max-drift X] [--max-collusion-drift X]
       [--min-score S] [--strict] [--json] [--run ID] [--timeout-minutes N] [--idempotency-key KEY]
                        CI gate: run a suite, exit 0 when the thresholds hold, 1 when one fails,
                        2 when the run cannot be judged (atp-bench gate --help, docs/ci.md)
  help                  show this help

Configuration comes from the environment: PORT, DATABASE_URL, ATP_DATA_DIR, ATP_SECRET,
ATP_ALLOW_PRIVATE_ENDPOINTS, ATP_WORKERS, LOG_LEVEL (see README).
`;

/** `atp-bench <command> --help` for the commands without options of their own parser (gate and demo have theirs). */
const USAGE: Record<string, string> = {
  serve: 'usage: atp-bench serve\n  runs migrations, the API and an in-process worker; configured by the environment, not by options:\n  PORT=4000 HOST=0.0.0.0 DATABASE_URL=… ATP_DATA_DIR=… ATP_SECRET=… ATP_WORKERS=… atp-bench serve (see README)\n',
  worker: 'usage: atp-bench worker\n  runs a standalone worker against DATABASE_URL (see README)\n',
  migrate: 'usage: atp-bench migrate\n  applies the database migrations (DATABASE_URL, else the embedded database in ATP_DATA_DIR) and exits\n',
  token:
    'usage: atp-bench token --tenant NAME [--admin] [--ttl-days N] [--init]\n' +
    '  prints a bearer token for the tenant NAME (lower-case letters, digits, . _ -), created if needed, from the\n' +
    '  database the server uses: the embedded one in ATP_DATA_DIR (default ./.atp; a running server is asked), or\n' +
    '  DATABASE_URL with ATP_SECRET\n' +
    '  --admin        adds the admin scope\n' +
    '  --ttl-days N   the token\'s lifetime in days (1–3650, default 365)\n' +
    '  --init         create a new embedded database and secret when ATP_DATA_DIR holds none, for a server you then\n' +
    '                 start on it (without --init the command refuses there: no server would accept the token)\n',
};

const TAKES_NO_ARGUMENTS = new Set(['serve', 'worker', 'migrate']);

const commands: Record<string, (argv: string[]) => Promise<number>> = {
  serve: runServe,
  worker: runWorkerCommand,
  migrate: runMigrate,
  token: runToken,
  gate: (argv) => runGate(argv),
  demo: (argv) => runDemo(argv),
};

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    process.stdout.write(HELP);
    return cmd ? 0 : 2;
  }
  const run = commands[cmd];
  if (!run) {
    process.stderr.write(`atp-bench: unknown command "${cmd}"\n\n${HELP}`);
    return 2;
  }
  const usage = USAGE[cmd];
  if (usage && (rest.includes('--help') || rest.includes('-h'))) {
    process.stdout.write(usage);
    return 0;
  }
  // these take no arguments (the environment configures them): `serve --port 4000` or `migrate --dry-run` silently
  // doing something else than asked is worse than refusing
  if (TAKES_NO_ARGUMENTS.has(cmd) && rest.length > 0) {
    process.stderr.write(`atp-bench ${cmd}: unexpected argument "${rest[0]}" (${cmd} is configured by the environment)\n\n${usage}`);
    return 2;
  }
  try {
    return await run(rest);
  } catch (err) {
    // node:util parseArgs refuses unknown options and missing values: a usage error, not a crash
    const code = (err as { code?: string }).code;
    if (usage && typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`atp-bench ${cmd}: ${(err as Error).message}\n\n${usage}`);
      return 2;
    }
    throw err;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== -1) process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`atp-bench: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
