import type { MiddlewareHandler } from 'hono';
import { echoed, queryMisfits } from '../lib/query-misfits.js';
import type { AppEnv } from './env.js';
import { ApiError, type FieldError } from './errors.js';

/**
 * Query parameters of an API route are checked, not skimmed: an unknown one (`?stauts=failed`, `?suite=` on a route
 * that has no such filter) is a 400 naming the ones the route takes, and a repeated one (`?status=a&status=b`) is a
 * 400 saying so. Skipped silently, a misspelt filter answers with the unfiltered list, which a CI script then reads
 * as the filtered one.
 */
export function strictQuery(known: readonly string[]): MiddlewareHandler<AppEnv> {
  const takes = known.length > 0 ? `this route takes ${known.join(', ')}` : 'this route takes no query parameters';
  return async (c, next) => {
    const errors: FieldError[] = queryMisfits(c.req.queries(), known).map((m) => ({
      path: `query.${echoed(m.name)}`,
      message: m.kind === 'unknown' ? `unknown parameter; ${takes}` : `given ${m.values.length} times; give it once`,
    }));
    if (errors.length > 0) {
      throw new ApiError('validation_failed', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
    }
    await next();
  };
}
