import { createRoute, z } from '@hono/zod-openapi';
import type { App } from '../../http/env.js';
import { problemResponses } from '../../http/problem-schema.js';
import { publicJwks } from '../../webhooks/signing-keys.js';

export const JwkSchema = z
  .object({
    kty: z.string().openapi({ description: 'Key type (`OKP` for Ed25519).', example: 'OKP' }),
    crv: z.string().optional().openapi({ description: 'Curve.', example: 'Ed25519' }),
    x: z.string().optional().openapi({ description: 'Public key (base64url).', example: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' }),
    kid: z.string().openapi({ description: 'Key id; matches the `kid` in the protected header of `ATP-Signature`.', example: 'atp-webhook-1' }),
    alg: z.string().openapi({ description: 'JWS algorithm the key signs with.', example: 'EdDSA' }),
    use: z.literal('sig').openapi({ description: 'Always `sig`.', example: 'sig' }),
  })
  .passthrough()
  .openapi('WebhookJwk');

export const JwksSchema = z
  .object({
    keys: z.array(JwkSchema).openapi({ description: 'Public keys that sign webhook deliveries (keep accepting every key listed).' }),
  })
  .openapi('WebhookJwks', { description: 'JSON Web Key Set (RFC 7517) of the webhook signing keys.' });

export const jwksRoute = createRoute({
  method: 'get',
  path: '/.well-known/jwks.json',
  operationId: 'getWebhookSigningKeys',
  security: [],
  tags: ['system'],
  summary: 'Public keys that sign webhook deliveries',
  description:
    'Every webhook POST carries `ATP-Signature`: a compact JWS with a detached payload (`<header>..<signature>`, ' +
    'RFC 7515 Appendix F) over the exact body bytes, signed EdDSA (Ed25519) with the key named by `kid`. ' +
    'To verify, insert the base64url of the raw body between the dots and verify the compact JWS with this key set ' +
    '(e.g. jose `compactVerify(jws, createRemoteJWKSet(url))`). No token needed.',
  responses: {
    200: { description: 'The key set', content: { 'application/json': { schema: JwksSchema } } },
    ...problemResponses(503),
  },
});

export function registerJwks(app: App) {
  app.openapi(jwksRoute, async (c) => {
    const deps = c.get('deps');
    const jwks = await publicJwks(deps);
    c.header('cache-control', 'public, max-age=300');
    return c.json(jwks, 200);
  });
}
