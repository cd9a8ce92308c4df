import { eq } from 'drizzle-orm';
import type { Deps } from '../../deps.js';
import { endpoints } from '../../db/schema.js';
import type { EndpointTarget, SamplingParams } from '../../model/types.js';
import { apiKeyContext, headersContext } from './secrets.js';

export interface ResolvedEndpoint {
  target: EndpointTarget;
  maxConcurrency: number;
}

/** Loads and decrypts an endpoint for calling (also soft-deleted ones: their runs may still be finishing). */
export async function loadTarget(deps: Pick<Deps, 'db' | 'secrets' | 'logger'>, endpointId: string): Promise<ResolvedEndpoint> {
  const [row] = await deps.db.db.select().from(endpoints).where(eq(endpoints.id, endpointId)).limit(1);
  if (!row) throw new Error(`endpoint ${endpointId} not found`);
  const apiKey = row.apiKeyEnc ? await deps.secrets.decrypt(row.apiKeyEnc, apiKeyContext(row.id)) : null;
  const headers = row.headersEnc ? (JSON.parse(await deps.secrets.decrypt(row.headersEnc, headersContext(row.id))) as Record<string, string>) : {};
  if (apiKey) deps.logger.addSecret(apiKey);
  for (const v of Object.values(headers)) deps.logger.addSecret(v);
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
