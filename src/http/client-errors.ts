// Requests Node's HTTP parser rejects before any route sees them (headers over its 16 KB limit, a malformed request
// line): Node would answer a bare 431/400 with no body. They get the same problem+json as every other error.
import type { Socket } from 'node:net';
import type { Server } from 'node:http';
import { PROBLEM_TYPE_BASE, type Problem } from '../lib/problem.js';

function problemFor(err: NodeJS.ErrnoException): Problem {
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    return {
      type: `${PROBLEM_TYPE_BASE}headers-too-large`,
      title: 'Request headers too large',
      status: 431,
      detail: 'the request headers exceed the server limit (16 KB in total)',
    };
  }
  return { type: `${PROBLEM_TYPE_BASE}malformed-request`, title: 'Malformed HTTP request', status: 400, detail: 'the request could not be parsed as HTTP/1.1' };
}

const REASONS: Record<number, string> = { 400: 'Bad Request', 431: 'Request Header Fields Too Large' };

export function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  // a reset or timed-out connection has no one to answer
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const problem = problemFor(err);
  const body = JSON.stringify(problem);
  socket.end(
    `HTTP/1.1 ${problem.status} ${REASONS[problem.status]}\r\n` +
      'Content-Type: application/problem+json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'X-Content-Type-Options: nosniff\r\n' +
      'Connection: close\r\n\r\n' +
      body,
  );
}

export function answerClientErrorsAsProblems(server: Pick<Server, 'on'>): void {
  server.on('clientError', answerClientError);
}
