import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openDb } from '../db/client.js';
import { DataDirLockedError } from '../db/dir-lock.js';
import { resolveSecret } from '../config/secret.js';
import { createTokenService } from '../auth/tokens.js';
import { ensureTenant, scopesFor, TENANT_NAME } from '../services/tenants.js';
import { systemClock, randomIds } from '../lib/clock.js';
import { loadConfig } from './common.js';
import type { Config } from '../config/config.js';

export async function runToken(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      tenant: { type: 'string' },
      admin: { type: 'boolean', default: false },
      'ttl-days': { type: 'string' },
      init: { type: 'boolean', default: false },
    },
  });
  const name = values.tenant;
  if (!name || !TENANT_NAME.test(name)) {
    process.stderr.write('usage: atp-bench token --tenant NAME [--admin] [--ttl-days N] [--init]\n  NAME: lower-case letters, digits, . _ -\n');
    return 2;
  }
  const ttlDays = values['ttl-days'] ? Number(values['ttl-days']) : 365;
  if (!Number.isInteger(ttlDays) || ttlDays < 1 || ttlDays > 3650) {
    process.stderr.write('--ttl-days must be an integer between 1 and 3650\n');
    return 2;
  }
  const config = loadConfig();
  const refusal = unusableDatabase(config, process.env, { init: values.init });
  if (refusal) {
    process.stderr.write(refusal);
    return 1;
  }
  const secret = resolveSecret(config);
  const tokens = createTokenService(secret, config.previousSecrets);
  let db;
  try {
    db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.databaseUrl ? undefined : config.dataDir });
  } catch (err) {
    if (err instanceof DataDirLockedError) return viaRunningServer(config.dataDir, tokens, name, values.admin ?? false, ttlDays);
    throw err;
  }
  try {
    await db.migrate();
    const { tenant } = await ensureTenant({ db, ids: randomIds, clock: systemClock }, name);
    const token = await tokens.issue({ tenantId: tenant.id, scopes: scopesFor(values.admin ?? false), ttlSeconds: ttlDays * 86400 });
    process.stdout.write(token + '\n');
    return 0;
  } finally {
    await db.close();
  }
}

/**
 * Minting against a data directory that holds no database would create a new database and secret that no running
 * service uses: the token would be refused with 401 (unknown signing key). That goes for the default directory and
 * for an explicit ATP_DATA_DIR alike (a typo makes a new one), so both are refused unless the caller asks for a new
 * database with `--init` (a directory the server is then started on). PostgreSQL (DATABASE_URL) is not guarded: its
 * secret comes from ATP_SECRET, not from the directory.
 */
export function unusableDatabase(config: Config, env: NodeJS.ProcessEnv = process.env, opts: { init?: boolean } = {}): string | null {
  if (config.databaseUrl || opts.init) return null;
  if (fs.existsSync(path.join(config.dataDir, 'pgdata')) || fs.existsSync(path.join(config.dataDir, 'server.json'))) return null;
  const dir = path.resolve(config.dataDir);
  const harm = 'A token minted here would name a new database and secret that your service does not use, and it would answer 401.\n';
  if (env.ATP_DATA_DIR) {
    return (
      `atp-bench token: no ATP Bench database in ${dir} (ATP_DATA_DIR).\n` +
      harm +
      `Start the server with this ATP_DATA_DIR first (atp-bench serve creates the database), or point ATP_DATA_DIR at the\n` +
      `directory your server runs on. To create a new database here for a server you will start on it, add --init.\n`
    );
  }
  return (
    `atp-bench token: no ATP Bench database in ${dir} (the default data directory).\n` +
    harm +
    `Set ATP_DATA_DIR to the directory the service runs on (or DATABASE_URL and ATP_SECRET for PostgreSQL) and try again;\n` +
    `to create a new database here for a server you will start on it, add --init.\n`
  );
}

/** The embedded database is held by a running server: ask it (with a short-lived admin token we can sign). */
async function viaRunningServer(
  dataDir: string,
  tokens: ReturnType<typeof createTokenService>,
  name: string,
  admin: boolean,
  ttlDays: number,
): Promise<number> {
  let info: { url: string };
  try {
    info = JSON.parse(fs.readFileSync(path.join(dataDir, 'server.json'), 'utf8'));
  } catch {
    process.stderr.write(`the embedded database in ${dataDir} is in use and no running server was found\n`);
    return 1;
  }
  const adminToken = await tokens.issue({ tenantId: 'system', scopes: ['admin'], ttlSeconds: 60 });
  const res = await fetch(`${info.url}/v1/tenants`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, admin, ttlDays }),
  });
  const body = (await res.json()) as { token?: string; detail?: string };
  if (!res.ok || !body.token) {
    process.stderr.write(`server refused: ${res.status} ${body.detail ?? ''}\n`);
    return 1;
  }
  process.stdout.write(body.token + '\n');
  return 0;
}
