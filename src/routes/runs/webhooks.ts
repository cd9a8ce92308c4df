import { z } from '@hono/zod-openapi';
import type { App } from '../../http/env.js';
import { securedRoute } from '../../http/secured-route.js';
import { problemResponses } from '../../http/problem-schema.js';
import { getOwnedRun } from '../../services/run-views.js';
import { listRunWebhookDeliveries } from '../../services/webhook-deliveries.js';
import { RunIdParam } from './schema.js';

export const WebhookDeliverySchema = z
  .object({
    id: z.string().openapi({ description: 'Delivery id (also sent as the `ATP-Delivery` header and as `deliveryId` in the body).', example: 'whd_3f9a0c2b7d4e1f8a6b5c0d9e' }),
    type: z.enum(['run.succeeded', 'run.failed', 'run.cancelled']).openapi({ description: 'Event type (also sent as the `ATP-Event` header).', example: 'run.succeeded' }),
    url: z.string().openapi({ description: 'Where the event is POSTed (the run\'s `webhookUrl`).', example: 'https://ci.example.com/atp-hook' }),
    status: z.enum(['pending', 'delivered', 'failed']).openapi({
      description: '`pending` until a 2xx answer (`delivered`) or until the attempts are exhausted or the URL is refused by the network policy (`failed`).',
      example: 'delivered',
    }),
    attempts: z.number().int().openapi({ description: 'POSTs made so far (at most 8).', example: 1 }),
    lastStatusCode: z.number().int().nullable().openapi({ description: 'HTTP status of the last attempt; null when it got no answer.', example: 200 }),
    lastError: z.string().nullable().openapi({ description: 'Why the last attempt failed (status and start of the body, or the network error), else null.', example: null }),
    nextAttemptAt: z.string().nullable().openapi({ description: 'When the next attempt is due (pending deliveries), else null.', example: null }),
    createdAt: z.string().openapi({ description: 'When the run reached its terminal status and the event was recorded.', example: '2026-11-27T09:14:02.311Z' }),
    deliveredAt: z.string().nullable().openapi({ description: 'When a 2xx answer arrived, else null.', example: '2026-11-27T09:14:02.498Z' }),
  })
  .openapi('WebhookDelivery');

export const WebhookDeliveryListSchema = z
  .object({
    items: z.array(WebhookDeliverySchema).openapi({ description: 'Deliveries of the run, oldest first (one per terminal status).' }),
  })
  .openapi('WebhookDeliveryList');

export type WebhookDeliveryView = z.infer<typeof WebhookDeliverySchema>;

export const listRunWebhooksRoute = securedRoute({
  method: 'get',
  path: '/v1/runs/{id}/webhooks',
  operationId: 'listRunWebhookDeliveries',
  tags: ['runs'],
  summary: 'Webhook deliveries of a run',
  description:
    'The signed events sent to the run\'s `webhookUrl` and how delivery went. Failed attempts are retried with ' +
    'exponential backoff (1 s, 2 s, 4 s …, 8 attempts). Signatures verify with `/.well-known/jwks.json`.',
  scope: 'runs:read',
  request: { params: RunIdParam },
  responses: {
    200: { description: 'The deliveries', content: { 'application/json': { schema: WebhookDeliveryListSchema } } },
    ...problemResponses(404),
  },
});

export function registerListRunWebhooks(app: App) {
  app.openapi(listRunWebhooksRoute, async (c) => {
    const deps = c.get('deps');
    const run = await getOwnedRun(deps, c.get('principal').tenantId, c.req.valid('param').id);
    const rows = await listRunWebhookDeliveries(deps, run.id);
    const items: WebhookDeliveryView[] = rows.map((r) => ({
      id: r.id,
      type: String(r.event.type) as WebhookDeliveryView['type'],
      url: r.url,
      status: r.status,
      attempts: r.attempts,
      lastStatusCode: r.lastStatusCode,
      lastError: r.lastError,
      nextAttemptAt: r.nextAttemptAt?.toISOString() ?? null,
      createdAt: r.createdAt.toISOString(),
      deliveredAt: r.deliveredAt?.toISOString() ?? null,
    }));
    return c.json({ items }, 200);
  });
}
