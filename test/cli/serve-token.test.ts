import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnAtp } from '../support/process.js';

const run = promisify(execFile);
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const cli = (args: string[], env: Record<string, string>) =>
  run(process.execPath, ['bin/atp-bench.mjs', ...args], { env: { ...process.env, DATABASE_URL: '', ATP_SECRET: '', ...env } });

describe('atp-bench serve and token (embedded mode)', () => {
  it('serves /healthz and /openapi.json, issues working tokens while running, and stops cleanly on SIGTERM', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atp-serve-'));
    dirs.push(dir);
    // before the server runs: with --init the token command creates the database itself (and generates the secret)
    const before = (await cli(['token', '--tenant', 'early-lab', '--init'], { ATP_DATA_DIR: dir })).stdout.trim();
    expect(before.split('.')).toHaveLength(3);
    expect(fs.statSync(path.join(dir, 'secret')).mode & 0o077).toBe(0);

    const svc = await spawnAtp('serve', { ATP_DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: '', ATP_SECRET: '' });
    try {
      expect(svc.output()).toContain('/docs');
      const health = await fetch(`${svc.url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok', database: 'pglite' });
      const doc = (await (await fetch(`${svc.url}/openapi.json`)).json()) as { openapi: string };
      expect(doc.openapi).toBe('3.1.0');

      // while it runs the data dir is locked: the token command asks the server
      const during = (await cli(['token', '--tenant', 'late-lab'], { ATP_DATA_DIR: dir })).stdout.trim();
      for (const token of [before, during]) {
        const res = await fetch(`${svc.url}/v1/runs`, { headers: { authorization: `Bearer ${token}` } });
        expect(res.status).toBe(200);
      }
      const bad = await cli(['token'], { ATP_DATA_DIR: dir }).catch((e: { code: number; stderr: string }) => e);
      expect((bad as { code: number }).code).toBe(2);
    } finally {
      svc.proc.kill('SIGTERM');
    }
    expect(await svc.exited).toBe(0);
    expect(fs.existsSync(path.join(dir, 'atp.lock'))).toBe(false);
  }, 120_000);
});

describe('atp-bench token without a data directory', () => {
  it('refuses to mint a token the service would reject (no database in the default directory)', async () => {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'atp-nodir-'));
    dirs.push(cwd);
    const env: Record<string, string | undefined> = { ...process.env, DATABASE_URL: '', ATP_SECRET: '' };
    delete env.ATP_DATA_DIR;
    const res = await run(process.execPath, [path.resolve('bin/atp-bench.mjs'), 'token', '--tenant', 'lab'], { env, cwd }).catch(
      (e: { code: number; stderr: string; stdout: string }) => e,
    );
    expect((res as { code: number }).code).toBe(1);
    expect((res as { stdout: string }).stdout).toBe('');
    expect((res as { stderr: string }).stderr).toMatch(/Set ATP_DATA_DIR/);
    expect(fs.existsSync(path.join(cwd, '.atp', 'secret'))).toBe(false);
  });

  it('refuses an explicit ATP_DATA_DIR that holds no database (a typo would mint a token no server accepts), unless --init', async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'atp-typo-'));
    dirs.push(parent);
    const dir = path.join(parent, 'typo');
    const res = await cli(['token', '--tenant', 'lab'], { ATP_DATA_DIR: dir }).catch((e: { code: number; stderr: string; stdout: string }) => e);
    expect((res as { code: number }).code).toBe(1);
    expect((res as { stdout: string }).stdout).toBe('');
    const stderr = (res as { stderr: string }).stderr;
    expect(stderr).toContain(`no ATP Bench database in ${dir} (ATP_DATA_DIR)`);
    expect(stderr).toMatch(/Start the server with this ATP_DATA_DIR first/);
    expect(stderr).toMatch(/add --init/);
    // nothing was created: no directory, no secret, no database
    expect(fs.existsSync(dir)).toBe(false);

    // an existing directory without a database is refused the same way
    fs.mkdirSync(dir);
    const empty = await cli(['token', '--tenant', 'lab'], { ATP_DATA_DIR: dir }).catch((e: { code: number; stderr: string }) => e);
    expect((empty as { code: number }).code).toBe(1);
    expect(fs.readdirSync(dir)).toEqual([]);

    // --init creates it; afterwards the directory holds a database and no flag is needed
    const first = (await cli(['token', '--tenant', 'lab', '--init'], { ATP_DATA_DIR: dir })).stdout.trim();
    expect(first.split('.')).toHaveLength(3);
    expect(fs.existsSync(path.join(dir, 'pgdata'))).toBe(true);
    const again = (await cli(['token', '--tenant', 'lab'], { ATP_DATA_DIR: dir })).stdout.trim();
    expect(again.split('.')).toHaveLength(3);
  }, 60_000);
});

describe('atp-bench <command> --help', () => {
  it('prints each command’s usage and exits 0; an unknown option is a usage error (exit 2), not a crash', async () => {
    for (const cmd of ['serve', 'worker', 'migrate', 'token']) {
      const { stdout } = await cli([cmd, '--help'], {});
      expect(stdout, cmd).toMatch(new RegExp(`^usage: atp-bench ${cmd}`));
    }
    const bad = await cli(['token', '--tenant', 'lab', '--bogus'], {}).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(bad?.code).toBe(2);
    expect(bad?.stderr).toMatch(/atp-bench token: Unknown option '--bogus'[\s\S]*usage: atp-bench token/);
    // commands configured by the environment refuse options rather than doing something else than asked
    for (const args of [['serve', '--port', '4103'], ['migrate', '--dry-run'], ['worker', '--bogus']]) {
      const refused = await cli(args, {}).then(
        () => null,
        (e: { code: number; stderr: string }) => e,
      );
      expect(refused?.code, args.join(' ')).toBe(2);
      expect(refused?.stderr, args.join(' ')).toMatch(new RegExp(`atp-bench ${args[0]}: unexpected argument "${args[1]}"`));
    }
  }, 60_000);
});
