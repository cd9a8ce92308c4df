import { timingSafeEqual } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import type { App } from '../../http/env.js';
import { ApiError } from '../../http/errors.js';
import { problemResponses } from '../../http/problem-schema.js';
import { PROMETHEUS_CONTENT_TYPE } from '../../observability/metrics.js';

export const metricsRoute = createRoute({
  method: 'get',
  path: '/metrics',
  operationId: 'getMetrics',
  tags: ['system'],
  summary: 'Prometheus metrics (text format 0.0.4)',
  description:
    'HTTP requests (`atp_http_requests_total`, `atp_http_request_duration_seconds`), model calls ' +
    '(`atp_model_calls_total`, `atp_model_call_retries_total`, `atp_model_call_errors_total`, ' +
    '`atp_model_call_latency_seconds`; labelled `endpoint="all"` unless the operator sets `ATP_METRICS_PER_ENDPOINT=1`) of this process, and `atp_runs{status}` and `atp_queue_depth` read from the ' +
    'database at scrape time. Public unless the operator sets `ATP_METRICS_TOKEN`; then send ' +
    '`Authorization: Bearer <ATP_METRICS_TOKEN>`.',
  security: [{}, { metricsToken: [] }],
  responses: {
    200: {
      description: 'The metrics',
      content: { 'text/plain': { schema: z.string().openapi({ example: '# TYPE atp_queue_depth gauge\natp_queue_depth 0\n' }) } },
    },
    ...problemResponses(401),
  },
});

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function registerMetrics(app: App) {
  app.openAPIRegistry.registerComponent('securitySchemes', 'metricsToken', {
    type: 'http',
    scheme: 'bearer',
    description: 'The operator’s ATP_METRICS_TOKEN (only when it is set).',
  });
  app.openapi(metricsRoute, async (c) => {
    const deps = c.get('deps');
    const expected = deps.config.metricsToken;
    if (expected) {
      const given = c.req.header('authorization')?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
      if (!given || !sameSecret(given, expected)) {
        throw new ApiError('unauthorized', 'send `Authorization: Bearer <ATP_METRICS_TOKEN>`', {
          headers: { 'www-authenticate': 'Bearer realm="atp-bench-metrics"' },
        });
      }
    }
    const { text, errors } = await deps.metrics.render();
    for (const err of errors) c.get('logger').warn('metrics collector failed', { err });
    return c.body(text, 200, { 'content-type': PROMETHEUS_CONTENT_TYPE, 'cache-control': 'no-store' }) as never;
  });
}
