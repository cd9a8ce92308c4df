// The one way an ApiError becomes an RFC 9457 response: for the API's handlers and for the console's JSON downloads.
import type { Context } from 'hono';
import type { ApiError } from './errors.js';
import { safePath } from './middleware.js';

export function problemResponse(c: Context<any>, err: ApiError): Response {
  const body = err.toProblem(safePath(c.req.path), c.get('requestId'));
  const headers: Record<string, string> = { 'content-type': 'application/problem+json', ...(err.extras.headers ?? {}) };
  const id = c.get('requestId');
  if (id) headers['x-request-id'] = id;
  return new Response(JSON.stringify(body), { status: err.status, headers });
}
