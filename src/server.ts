import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server as HttpServer } from 'node:http';
import { serve, type ServerType } from '@hono/node-server';
import type { Config } from './config/config.js';
import { buildProductionDeps } from './bootstrap.js';
import { createApp } from './app.js';
import type { Deps } from './deps.js';
import type { Logger } from './lib/logger.js';
import { startWorkers, type WorkerPool } from './runner/worker.js';
import { resetEmbeddedLeases } from './domain/jobs.js';
import { scheduleMissing } from './services/operator-baselines.js';
import { answerClientErrorsAsProblems } from './http/client-errors.js';

export interface RunningService {
  url: string;
  deps: Deps;
  close(): Promise<void>;
}

/** Migrations, the HTTP API and the in-process workers, on the configured database. */
export async function startService(config: Config, opts: { logger?: Logger; deps?: Deps } = {}): Promise<RunningService> {
  const deps = opts.deps ?? (await buildProductionDeps(config, { logger: opts.logger }));
  await deps.db.migrate();
  // Embedded mode is single-process (the data dir is locked), so leases left by a killed process are stale now.
  if (deps.db.kind === 'pglite') await resetEmbeddedLeases(deps);
  // a new suite version (after an upgrade) needs fresh operator baseline results
  await scheduleMissing(deps).catch((err) => deps.logger.error('could not schedule operator baselines', { err }));
  const app = createApp(deps);
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
  });
  answerClientErrorsAsProblems(server as unknown as HttpServer);
  const port = (server.address() as AddressInfo).port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `http://${host}:${port}`;
  const workers: WorkerPool | undefined = config.workers > 0 ? startWorkers(deps, { count: config.workers }) : undefined;

  // Lets `atp-bench token` reach a running embedded server (the data dir is locked while we run).
  const infoFile = deps.db.kind === 'pglite' ? path.join(config.dataDir, 'server.json') : undefined;
  if (infoFile) fs.writeFileSync(infoFile, JSON.stringify({ url, pid: process.pid }) + '\n');

  let closed = false;
  return {
    url,
    deps,
    async close() {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // idle keep-alive and SSE connections must not hold shutdown open
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await workers?.stop();
      if (infoFile) fs.rmSync(infoFile, { force: true });
      await deps.db.close();
    },
  };
}
