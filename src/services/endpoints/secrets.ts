import type { Deps } from '../../deps.js';

/** Binding context for stored secrets: a ciphertext copied to another row does not decrypt. */
export const apiKeyContext = (endpointId: string) => `endpoint:${endpointId}:api-key`;
export const headersContext = (endpointId: string) => `endpoint:${endpointId}:headers`;

export async function encryptEndpointSecrets(
  deps: Pick<Deps, 'secrets'>,
  endpointId: string,
  input: { apiKey?: string | null; headers?: Record<string, string> | null },
) {
  return {
    apiKeyEnc: input.apiKey ? await deps.secrets.encrypt(input.apiKey, apiKeyContext(endpointId)) : null,
    headersEnc:
      input.headers && Object.keys(input.headers).length > 0
        ? await deps.secrets.encrypt(JSON.stringify(input.headers), headersContext(endpointId))
        : null,
    headerNames: input.headers ? Object.keys(input.headers).sort() : [],
  };
}
