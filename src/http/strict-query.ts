import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './env.js';
import { ApiError, type FieldError } from './errors.js';

// a parameter name is echoed back in the problem: bounded, so a 4 KB name does not come back 4 KB long
const MAX_ECHOED_NAME = 64;
const MAX_REPORTED = 10;

/**
 * Query parameters of an API route are checked, not skimmed: an unknown one (`?stauts=failed`, `?suite=` on a route
 * that has no such filter) is a 400 naming the ones the route takes, and a repeated one (`?status=a&status=b`) is a
 * 400 saying so. Skipped silently, a misspelt filter answers with the unfiltered list, which a CI script then reads
 * as the filtered one.
 */
export function strictQuery(known: readonly string[]): MiddlewareHandler<AppEnv> {
  const allowed = new Set(known);
  const takes = known.length > 0 ? `this route takes ${known.join(', ')}` : 'this route takes no query parameters';
  return async (c, next) => {
    const errors: FieldError[] = [];
    for (const [name, values] of Object.entries(c.req.queries())) {
      const path = `query.${name.length > MAX_ECHOED_NAME ? `${name.slice(0, MAX_ECHOED_NAME)}…` : name}`;
      if (!allowed.has(name)) errors.push({ path, message: `unknown parameter; ${takes}` });
      else if (values.length > 1) errors.push({ path, message: `given ${values.length} times; give it once` });
      if (errors.length === MAX_REPORTED) break;
    }
    if (errors.length > 0) {
      throw new ApiError('validation_failed', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
    }
    await next();
  };
}
