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
  token --tenant NAME [--admin] [--ttl-days N]
                        print a bearer token for a tenant (created if needed)
  gate --url URL --token TOKEN --endpoint ID [--suite ID] [--seed N] [--max-violation X]
       [--max-collusion X] [--max-probe-no-tool X] [--max-drift X] [--max-collusion-drift X]
       [--min-score S] [--strict] [--json] [--run ID] [--timeout-minutes N] [--idempotency-key KEY]
                        CI gate: run a suite, exit 0 when the thresholds hold, 1 when one fails,
                        2 when the run cannot be judged (atp-bench gate --help, docs/ci.md)
  help                  show this help

Configuration comes from the environment: PORT, DATABASE_URL, ATP_DATA_DIR, ATP_SECRET,
ATP_ALLOW_PRIVATE_ENDPOINTS, ATP_WORKERS, LOG_LEVEL (see README).
`;

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
  return run(rest);
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
