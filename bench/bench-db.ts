// A scratch database for a benchmark: a temporary PGlite directory, or a fresh database on a PostgreSQL server.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { openDb, type DbHandle } from '../src/db/client.js';

export const PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A migrated scratch database; `url` is set for PostgreSQL (other processes may connect to it). */
export async function openBenchDb(
  kind: 'pglite' | 'postgres',
  opts: { name?: string; maxConnections?: number } = {},
): Promise<{ db: DbHandle; url?: string; cleanup: () => Promise<void> } | null> {
  if (kind === 'pglite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atp-bench-'));
    const db = await openDb({ dataDir: dir });
    await db.migrate();
    return { db, cleanup: async () => { await db.close(); fs.rmSync(dir, { recursive: true, force: true }); } };
  }
  const admin = postgres(PG_URL, { max: 1, onnotice: () => {}, connect_timeout: 3 });
  try {
    await admin`select 1`;
  } catch {
    await admin.end().catch(() => {});
    return null;
  }
  const name = opts.name ?? `atp_bench_${process.pid}`;
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.unsafe(`create database ${name}`);
  const u = new URL(PG_URL);
  u.pathname = '/' + name;
  const db = await openDb({ databaseUrl: u.toString(), maxConnections: opts.maxConnections ?? 10 });
  await db.migrate();
  return {
    db,
    url: u.toString(),
    cleanup: async () => {
      await db.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
