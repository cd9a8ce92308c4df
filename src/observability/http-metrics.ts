import type { Context, MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { AppEnv } from '../http/env.js';
import { UNMATCHED_ROUTE, type AtpMetrics } from './metrics.js';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * The route pattern that answered (`/v1/runs/{id}`), never the raw path: hostile or random paths must not create
 * new series. Requests no route matched are `unmatched`.
 */
export function routeLabel(c: Context<AppEnv>): string {
  const pattern = routePath(c, -1);
  if (!pattern || pattern === '*' || pattern === '/*') return UNMATCHED_ROUTE;
  return pattern.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, '{$1}');
}

/** Counts and times every request (registered right after the request-context middleware). */
export function httpMetrics(metrics: AtpMetrics): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const method = METHODS.has(c.req.method) ? c.req.method : 'OTHER';
      const route = routeLabel(c);
      metrics.httpRequests.inc({ method, route, status: c.res.status });
      metrics.httpDuration.observe({ method, route }, (performance.now() - started) / 1000);
    }
  };
}
