import type { Config } from './config/config.js';
import type { DbHandle } from './db/client.js';
import type { Clock, IdSource } from './lib/clock.js';
import type { Logger } from './lib/logger.js';
import type { TokenService } from './auth/tokens.js';
import type { SessionService } from './auth/sessions.js';
import type { ModelClient } from './model/types.js';
import type { AtpMetrics } from './observability/metrics.js';
import type { TestbedRegistry } from './testbeds/registry.js';
import type { ReadCaches } from './services/read-caches.js';
import type { CallIdCodec } from './auth/call-ids.js';
import type { RunEventHub } from './services/run-event-hub.js';

export interface SecretBox {
  encrypt(plaintext: string, context: string): Promise<string>;
  decrypt(jwe: string, context: string): Promise<string>;
}

export type UrlCheck = (url: string) => Promise<{ ok: true } | { ok: false; reason: string; kind?: 'credentials' }>;

/**
 * Everything the app and the worker depend on, passed explicitly (no module singletons).
 * Production values come from `buildProductionDeps`; tests build their own (test/support/deps.ts).
 */
export interface Deps {
  config: Config;
  db: DbHandle;
  clock: Clock;
  ids: IdSource;
  logger: Logger;
  tokens: TokenService;
  /** console sign-in sessions (cookie) and their CSRF tokens */
  sessions: SessionService;
  secrets: SecretBox;
  modelClient: ModelClient;
  /** SSRF policy for endpoint and webhook URLs */
  checkUrl: UrlCheck;
  /** fetch used for webhook deliveries (guarded against private targets unless allowed) */
  fetch: typeof fetch;
  /** Prometheus registry served at /metrics (HTTP, model calls; DB gauges at scrape time) */
  metrics: AtpMetrics;
  /** the testbeds and suites this service runs (production: the built-ins; tests may register more) */
  testbeds: TestbedRegistry;
  /** per-process read caches (finished reports, known tenants), each with a bounded staleness */
  caches: ReadCaches;
  /** opaque public ids of stored calls and transcript cursors */
  callIds: CallIdCodec;
  /** live run streams: one shared database read per run per tick, and the open-stream limits */
  runEventHub: RunEventHub;
}
