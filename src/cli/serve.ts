import { startService } from '../server.js';
import { loadConfig, untilSignal } from './common.js';

export async function runServe(): Promise<number> {
  const config = loadConfig();
  const service = await startService(config);
  const mode = service.deps.db.kind === 'pglite' ? `embedded database in ${config.dataDir}` : 'PostgreSQL';
  process.stderr.write(
    `ATP Bench listening on ${service.url} (${mode}, ${config.workers} worker${config.workers === 1 ? '' : 's'})\n` +
      `  API docs:  ${service.url}/docs\n  OpenAPI:   ${service.url}/openapi.json\n` +
      `  token:     npx atp-bench token --tenant <name>\n`,
  );
  const sig = await untilSignal();
  process.stderr.write(`received ${sig}, shutting down…\n`);
  await service.close();
  return 0;
}
