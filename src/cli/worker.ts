import { buildProductionDeps } from '../bootstrap.js';
import { startWorkers } from '../runner/worker.js';
import { loadConfig, untilSignal } from './common.js';

export async function runWorkerCommand(): Promise<number> {
  const config = loadConfig();
  if (!config.databaseUrl) {
    process.stderr.write('atp-bench worker: DATABASE_URL is required (the embedded database is served by `atp-bench serve`)\n');
    return 2;
  }
  const deps = await buildProductionDeps(config);
  await deps.db.migrate();
  const pool = startWorkers(deps, { count: Math.max(1, config.workers) });
  process.stderr.write(`atp-bench worker started (${Math.max(1, config.workers)} loop(s))\n`);
  await untilSignal();
  await pool.stop();
  await deps.db.close();
  return 0;
}
