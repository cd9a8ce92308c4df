import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openDb } from '../../src/db/client.js';
import { DataDirLockedError } from '../../src/db/dir-lock.js';
import { openTestDb, usingPostgres } from '../support/db.js';

describe('migrations', () => {
  it('apply twice idempotently', async () => {
    const t = await openTestDb();
    try {
      await t.handle.migrate();
      await t.handle.migrate();
      const rows = await t.handle.rows<{ n: string | number }>(sql`select count(*) as n from runs`);
      expect(Number(rows[0].n)).toBe(0);
    } finally {
      await t.close();
    }
  });

  it.skipIf(!usingPostgres())('concurrent migrate() on one Postgres database is serialised by the advisory lock', async () => {
    const t = await openTestDb();
    const handles = await Promise.all([1, 2, 3, 4].map(() => openDb({ databaseUrl: t.url!, maxConnections: 2 })));
    try {
      await Promise.all(handles.map((h) => h.migrate()));
    } finally {
      await Promise.all(handles.map((h) => h.close()));
      await t.close();
    }
  });
});

describe('embedded data directory lock', () => {
  it('a second opener in the same process is refused with a clear message', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atp-lock-'));
    const first = await openDb({ dataDir: dir });
    try {
      await expect(openDb({ dataDir: dir })).rejects.toThrow(DataDirLockedError);
    } finally {
      await first.close();
    }
    const again = await openDb({ dataDir: dir });
    await again.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a second process fails fast while the first holds the directory; a dead holder is taken over', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atp-lock-'));
    // a live process (this one) holds the lock
    fs.writeFileSync(path.join(dir, 'atp.lock'), String(process.pid));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'migrate'], {
      env: { ...process.env, ATP_DATA_DIR: dir, DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/already in use by process/);

    // a lock left by a process that no longer exists does not block start-up
    fs.writeFileSync(path.join(dir, 'atp.lock'), '999999');
    const h = await openDb({ dataDir: dir });
    await h.close();
    expect(fs.existsSync(path.join(dir, 'atp.lock'))).toBe(false);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
