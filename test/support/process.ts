import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const MAIN = path.resolve('src/cli/main.ts');

export interface SpawnedService {
  proc: ChildProcess;
  url: string;
  output(): string;
  exited: Promise<number | null>;
}

/** Starts `atp-bench <cmd>` in its own process (real signals, real crashes) and waits until it is ready. */
export async function spawnAtp(cmd: 'serve' | 'worker', env: Record<string, string>, readyPattern = /listening on (http:\/\/\S+)|worker started/): Promise<SpawnedService> {
  const proc = spawn(process.execPath, ['--import', 'tsx', MAIN, cmd], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${cmd} did not start:\n${out}`)), 60_000);
    proc.stderr!.on('data', (d) => {
      out += d;
      const m = readyPattern.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] ?? '');
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${cmd} exited with ${code} before it was ready:\n${out}`));
    });
  });
  return { proc, url, output: () => out, exited };
}
