import { parseConfig } from '../../src/config/config.js';
import { buildDeps } from '../../src/bootstrap.js';
import type { Deps } from '../../src/deps.js';
import { createLogger, type Logger } from '../../src/lib/logger.js';
import { scopesFor, ensureTenant } from '../../src/services/tenants.js';
import { openTestDb, type TestDb } from './db.js';

export const TEST_SECRET = 'test-secret-0123456789-abcdefghijklmnopqrstuvwxyz';

export interface TestContext {
  deps: Deps;
  testDb: TestDb;
  logs: string[];
  close(): Promise<void>;
}

/** Test dependencies: a fresh database, a fixed secret, private endpoints allowed (the fake model is local). */
export async function buildTestDeps(overrides: Partial<Deps> & { env?: Record<string, string> } = {}): Promise<TestContext> {
  const testDb = await openTestDb();
  const logs: string[] = [];
  const logger: Logger = createLogger({ level: 'debug', write: (l) => logs.push(l) });
  const config = parseConfig({ ATP_SECRET: TEST_SECRET, ATP_ALLOW_PRIVATE_ENDPOINTS: '1', ...overrides.env });
  const { env: _env, ...rest } = overrides;
  const deps = { ...buildDeps({ config, db: testDb.handle, logger, secret: TEST_SECRET }), ...rest };
  return { deps, testDb, logs, close: () => testDb.close() };
}

/** Creates (or finds) a tenant and returns a token for it. */
export async function tokenFor(deps: Deps, name: string, admin = false): Promise<{ tenantId: string; token: string }> {
  const { tenant } = await ensureTenant(deps, name);
  const token = await deps.tokens.issue({ tenantId: tenant.id, scopes: scopesFor(admin) });
  return { tenantId: tenant.id, token };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
export const jsonHeaders = (token?: string) => ({
  'content-type': 'application/json',
  ...(token ? bearer(token) : {}),
});
