import { openDb } from '../db/client.js';
import { loadConfig } from './common.js';

export async function runMigrate(): Promise<number> {
  const config = loadConfig();
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.databaseUrl ? undefined : config.dataDir });
  try {
    await db.migrate();
    process.stdout.write(`migrations applied (${db.kind})\n`);
    return 0;
  } finally {
    await db.close();
  }
}
