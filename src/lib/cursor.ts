import { invalidInput } from './errors.js';

/** Opaque pagination cursors: base64url JSON. A cursor that does not decode is the caller's mistake (400). */
export function encodeCursor(value: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

const invalid = () => invalidInput([{ field: 'cursor', message: 'invalid cursor' }]);

export function decodeCursor(cursor: string): Record<string, unknown> {
  if (!/^[A-Za-z0-9_-]{1,512}$/.test(cursor)) throw invalid();
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (v && typeof v === 'object' && !Array.isArray(v)) return v;
  } catch {
    // fall through
  }
  throw invalid();
}

/** Keyset cursor over (createdAt desc, id desc): the last item of a page. */
export function encodeKeysetCursor(row: { createdAt: Date; id: string }): string {
  return encodeCursor({ t: row.createdAt.toISOString(), id: row.id });
}

export function decodeKeysetCursor(cursor: string, idPattern: RegExp): { createdAt: Date; id: string } {
  const p = decodeCursor(cursor);
  if (typeof p.t !== 'string' || typeof p.id !== 'string' || !idPattern.test(p.id)) throw invalid();
  const createdAt = new Date(p.t);
  // years outside 1..9999 would be refused by the database (500): a forged cursor is the caller's mistake
  const year = createdAt.getUTCFullYear();
  if (Number.isNaN(createdAt.getTime()) || createdAt.toISOString() !== p.t || year < 1 || year > 9999) throw invalid();
  return { createdAt, id: p.id };
}

// Transcript cursors are opaque call ids (auth/call-ids.ts), not keyset cursors.
