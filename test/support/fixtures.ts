import type { Deps } from '../../src/deps.js';
import { endpoints } from '../../src/db/schema.js';
import { encryptEndpointSecrets } from '../../src/services/endpoints/secrets.js';

/**
 * Inserts an endpoint row directly, bypassing the URL policy on purpose (route-independent tests of runs, reports and
 * of the policy itself, e.g. a stored private endpoint once private targets are disallowed).
 */
export async function createEndpointRow(
  deps: Deps,
  tenantId: string,
  opts: { baseUrl: string; model?: string; name?: string; apiKey?: string; maxConcurrency?: number; params?: Record<string, unknown>; family?: string; variant?: string; requestTimeoutMs?: number },
) {
  const id = deps.ids.next('end');
  const secrets = await encryptEndpointSecrets(deps, id, { apiKey: opts.apiKey ?? null });
  const now = deps.clock.now();
  const [row] = await deps.db.db
    .insert(endpoints)
    .values({
      id,
      tenantId,
      name: opts.name ?? 'test model',
      baseUrl: opts.baseUrl,
      model: opts.model ?? 'fake-model',
      ...secrets,
      params: opts.params ?? {},
      maxConcurrency: opts.maxConcurrency ?? 8,
      requestTimeoutMs: opts.requestTimeoutMs ?? 10_000,
      family: opts.family ?? null,
      variant: opts.variant ?? null,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  return row;
}
