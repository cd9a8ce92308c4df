import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { inject } from 'vitest';
import { openDb, type DbHandle } from '../../src/db/client.js';
import { withDatabase } from './global-setup.js';

export const usingPostgres = () => !!process.env.DATABASE_URL;

export interface TestDb {
  handle: DbHandle;
  /** the URL of this test's own database (Postgres only): for a second process or worker */
  url?: string;
  close(): Promise<void>;
}

/**
 * A fresh, migrated database for one test (file): PGlite from the migrated snapshot by default, or a clone of
 * the template database when DATABASE_URL is set.
 */
export async function openTestDb(): Promise<TestDb> {
  const base = process.env.DATABASE_URL;
  if (!base) {
    const snapshot = fs.readFileSync(inject('pgliteSnapshot'));
    const handle = await openDb({ loadDataDir: new Blob([snapshot]) });
    return { handle, close: () => handle.close() };
  }
  const name = `atp_t_${randomBytes(6).toString('hex')}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name} template ${inject('pgTemplate')}`);
  await admin.end();
  const url = withDatabase(base, name);
  const handle = await openDb({ databaseUrl: url, maxConnections: 10 });
  return {
    handle,
    url,
    async close() {
      await handle.close();
      const a = postgres(base, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
      await a.end();
    },
  };
}
