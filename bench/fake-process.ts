// The fake OpenAI-compatible model in a child process (bench/fake-server-process.ts), driven over IPC.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface FakeProc {
  url: string;
  ask<T>(type: string): Promise<T>;
  close(): Promise<void>;
}

export async function startFake(latencyMs: number, env: Record<string, string> = {}): Promise<FakeProc> {
  const child: ChildProcess = fork(path.join(import.meta.dirname, 'fake-server-process.ts'), [], {
    env: { ...process.env, FAKE_LATENCY_MS: String(latencyMs), FAKE_RECORD: '1', ...env },
    execArgv: ['--import', 'tsx'],
  });
  const url = await new Promise<string>((resolve) => child.once('message', (m: { url: string }) => resolve(m.url)));
  return {
    url,
    ask: <T>(type: string) =>
      new Promise<T>((resolve) => {
        child.once('message', (m: { stats?: T }) => resolve(m.stats as T));
        child.send({ type });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.send({ type: 'close' });
      }),
  };
}
