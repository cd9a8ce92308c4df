import { eq } from 'drizzle-orm';
import type { Deps } from '../../deps.js';
import { endpoints } from '../../db/schema.js';
import type { EndpointTarget, SamplingParams } from '../../model/types.js';
import { apiKeyContext, headersContext } from './secrets.js';

export interface ResolvedEndpoint {
  target: EndpointTarget;
  maxConcurrency: number;
}

/**
 * Loads and decrypts an endpoint for calling (also soft-deleted ones: their runs may still be finishing). Text coming
 * back from the endpoint is cleaned of these secrets by the model client (model/redact.ts); code that logs around a
 * call uses `logger.withSecrets(endpointSecretValues(target))`, never a process-wide list.
 */
export async function loadTarget(deps: Pick<Deps, 'db' | 'secrets'>, endpointId: string): Promise<ResolvedEndpoint> {
  const [row] = await deps.db.db.select().from(endpoints).where(eq(endpoints.id, endpointId)).limit(1);
  if (!row) throw new Error(`endpoint ${endpointId} not found`);
  const apiKey = row.apiKeyEnc ? await deps.secrets.decrypt(row.apiKeyEnc, apiKeyContext(row.id)) : null;
  const headers = row.headersEnc ? (JSON.parse(await deps.secrets.decrypt(row.headersEnc, headersContext(row.id))) as Record<string, string>) : {};
  return {
    target: {
      id: row.id,
      baseUrl: row.baseUrl,
      model: row.model,
      apiKey,
      headers,
      params: row.params as SamplingParams,
      requestTimeoutMs: row.requestTimeoutMs,
    },
    maxConcurrency: row.maxConcurrency,
  };
}
