import type { Config } from './config/config.js';
import { resolveSecret } from './config/secret.js';
import { openDb, type DbHandle } from './db/client.js';
import type { Deps } from './deps.js';
import { systemClock, randomIds } from './lib/clock.js';
import { createLogger, type Logger } from './lib/logger.js';
import { createTokenService } from './auth/tokens.js';
import { createSessionService } from './auth/sessions.js';
import { createSecretBox } from './auth/secret-box.js';
import { createOpenAIModelClient } from './model/openai-client.js';
import { checkEndpointUrl } from './net/ssrf.js';
import { createGuardedFetch } from './net/guarded-fetch.js';
import { keyId } from './auth/keys.js';
import { createCallIdCodec } from './auth/call-ids.js';
import { createMetrics } from './observability/metrics.js';
import { instrumentModelClient } from './observability/instrumented-client.js';
import { BUILTIN_TESTBEDS } from './testbeds/registry.js';
import { createReadCaches } from './services/read-caches.js';
import { createRunEventHub } from './services/run-event-hub.js';

/** Production dependencies: real clock, random ids, the configured database, JSON logs on stdout. */
export async function buildProductionDeps(config: Config, opts: { logger?: Logger; db?: DbHandle } = {}): Promise<Deps> {
  const logger = opts.logger ?? createLogger({ level: config.logLevel });
  const secret = resolveSecret(config);
  const db =
    opts.db ??
    (await openDb({ databaseUrl: config.databaseUrl, dataDir: config.databaseUrl ? undefined : config.dataDir }));
  return buildDeps({ config, db, logger, secret });
}

/** Shared by production and tests: everything derived from (config, db, secret). */
export function buildDeps(input: {
  config: Config;
  db: DbHandle;
  logger: Logger;
  secret: string;
  clock?: Deps['clock'];
  ids?: Deps['ids'];
  modelClient?: Deps['modelClient'];
  testbeds?: Deps['testbeds'];
}): Deps {
  const { config, secret } = input;
  const allowPrivate = config.allowPrivateEndpoints;
  const metrics = createMetrics({ db: input.db });
  return {
    config,
    db: input.db,
    clock: input.clock ?? systemClock,
    ids: input.ids ?? randomIds,
    logger: input.logger,
    tokens: createTokenService(secret, config.previousSecrets),
    sessions: createSessionService(secret, config.previousSecrets),
    secrets: createSecretBox({
      current: { kid: keyId(secret, 'secret-box'), secret },
      previous: config.previousSecrets.map((s) => ({ kid: keyId(s, 'secret-box'), secret: s })),
    }),
    modelClient: instrumentModelClient(
      input.modelClient ??
        createOpenAIModelClient({
          allowPrivate,
          maxResponseBytes: config.budgets.maxResponseBytes,
          responseMemory: config.budgets.responseMemoryBytes,
          maxAnswerBytes: config.budgets.maxAnswerBytes,
        }),
      metrics,
      { perEndpoint: config.metricsPerEndpoint },
    ),
    checkUrl: (url) => checkEndpointUrl(url, { allowPrivate }),
    fetch: createGuardedFetch({ allowPrivate }),
    metrics,
    testbeds: input.testbeds ?? BUILTIN_TESTBEDS,
    caches: createReadCaches(),
    callIds: createCallIdCodec(secret),
    runEventHub: createRunEventHub({ db: input.db }, { maxPerTenant: config.sseMaxPerTenant, maxStreams: config.sseMaxStreams }),
  };
}
