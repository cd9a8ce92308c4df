import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql as dsql, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import * as schema from './schema.js';
import { acquireDirLock, type DirLock } from './dir-lock.js';

export type Schema = typeof schema;
/** The drizzle database, whichever driver is behind it. Application code only ever sees this type. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');

/** Arbitrary but fixed: serialises migrate() across processes sharing one Postgres server. */
const MIGRATION_LOCK_ID = 7_240_510_486;

export interface DbHandle {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** raw SQL returning rows on both drivers (PGlite returns {rows}, postgres.js an array) */
  rows<T = Record<string, unknown>>(query: SQL): Promise<T[]>;
  /**
   * A round trip to the database that does not queue behind the service's own queries (health checks): on a server,
   * its own connection, so a pool busy with a run's writes does not read as an unhealthy database.
   */
  ping(): Promise<void>;
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  notify(channel: string, payload: string): Promise<void>;
  migrate(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenDbOptions {
  databaseUrl?: string;
  /** embedded data directory (file-backed PGlite); omit for in-memory */
  dataDir?: string;
  /** test snapshot of an already migrated PGlite data dir */
  loadDataDir?: Blob;
  /** postgres.js pool size */
  maxConnections?: number;
}

export async function openDb(opts: OpenDbOptions): Promise<DbHandle> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl, opts.maxConnections ?? 10) : openPglite(opts);
}

async function openPglite(opts: OpenDbOptions): Promise<DbHandle> {
  let lock: DirLock | undefined;
  let dataDir: string | undefined;
  if (opts.dataDir) {
    fs.mkdirSync(opts.dataDir, { recursive: true });
    // Two processes on one PGlite directory silently lose rows: refuse the second one up front.
    lock = acquireDirLock(opts.dataDir);
    dataDir = path.join(opts.dataDir, 'pgdata');
  }
  let client: PGlite;
  try {
    client = new PGlite({ dataDir, loadDataDir: opts.loadDataDir });
    await client.waitReady;
  } catch (err) {
    lock?.release();
    throw err;
  }
  const db = drizzlePglite({ client, schema, logger: !!process.env.ATP_SQL_LOG }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    async rows<T>(query: SQL) {
      const res = (await db.execute(query)) as unknown as { rows: T[] };
      return res.rows;
    },
    async ping() {
      // one thread, one connection: nothing to bypass
      await client.query('select 1');
    },
    async listen(channel, onPayload) {
      const unlisten = await client.listen(channel, onPayload);
      return async () => {
        await unlisten();
      };
    },
    async notify(channel, payload) {
      await db.execute(dsql`select pg_notify(${channel}, ${payload})`);
    },
    async migrate() {
      // PGlite is single-process (guarded by the dir lock), so no advisory lock is needed (it would not block anyway).
      await migratePglite(db as never, { migrationsFolder: MIGRATIONS_DIR });
    },
    async close() {
      try {
        await client.close();
      } finally {
        lock?.release();
      }
    },
  };
}

async function openPostgres(url: string, max: number): Promise<DbHandle> {
  const client = postgres(url, { max, onnotice: () => {}, connect_timeout: 10 });
  const db = drizzlePostgres({ client, schema }) as unknown as Db;
  let pinger: postgres.Sql | undefined;
  return {
    db,
    kind: 'postgres',
    async rows<T>(query: SQL) {
      return (await db.execute(query)) as unknown as T[];
    },
    async ping() {
      pinger ??= postgres(url, { max: 1, idle_timeout: 60, onnotice: () => {}, connect_timeout: 10 });
      await pinger`select 1`;
    },
    async listen(channel, onPayload) {
      const sub = await client.listen(channel, (p) => onPayload(p));
      return async () => {
        await sub.unlisten();
      };
    },
    async notify(channel, payload) {
      await client.notify(channel, payload);
    },
    async migrate() {
      // Several processes may start at once against one server: serialise migrate() with a session advisory lock,
      // taken on a dedicated single-connection client so lock, migration and unlock share one session.
      const single = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
      try {
        await single`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
        try {
          await migratePostgres(drizzlePostgres({ client: single }), { migrationsFolder: MIGRATIONS_DIR });
        } finally {
          await single`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`;
        }
      } finally {
        await single.end({ timeout: 5 });
      }
    },
    async close() {
      await Promise.all([client.end({ timeout: 5 }), pinger?.end({ timeout: 5 })]);
    },
  };
}
