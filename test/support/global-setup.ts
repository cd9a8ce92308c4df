import fs from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { openDb } from '../../src/db/client.js';

/**
 * Migrates once per test run: a PGlite data-dir snapshot (loaded in memory by every test file), and on Postgres
 * (DATABASE_URL set) a template database that each test file clones.
 */
export default async function setup(project: TestProject) {
  const tmp = path.resolve('.tmp');
  fs.mkdirSync(tmp, { recursive: true });
  const snapshot = path.join(tmp, `pglite-snapshot-${process.pid}.tar.gz`);
  const db = await openDb({});
  await db.migrate();
  const client = (db.db as unknown as { $client: { dumpDataDir(c?: string): Promise<Blob> } }).$client;
  const blob = await client.dumpDataDir('gzip');
  fs.writeFileSync(snapshot, Buffer.from(await blob.arrayBuffer()));
  await db.close();
  project.provide('pgliteSnapshot', snapshot);

  let template: string | undefined;
  const url = process.env.DATABASE_URL;
  if (url) {
    template = `atp_tpl_${process.pid}`;
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${template}`);
    await admin.unsafe(`create database ${template}`);
    const tplUrl = withDatabase(url, template);
    const tpl = await openDb({ databaseUrl: tplUrl, maxConnections: 1 });
    await tpl.migrate();
    await tpl.close();
    await admin.end();
  }
  project.provide('pgTemplate', template ?? '');

  return async () => {
    fs.rmSync(snapshot, { force: true });
    if (url && template) {
      const admin = postgres(url, { max: 1, onnotice: () => {} });
      await admin.unsafe(`drop database if exists ${template} with (force)`).catch(() => {});
      await admin.end();
    }
  };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = '/' + database;
  return u.toString();
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteSnapshot: string;
    pgTemplate: string;
  }
}
