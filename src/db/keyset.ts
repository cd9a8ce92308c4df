import { and, desc, eq, lt, or, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { decodeKeysetCursor, encodeKeysetCursor } from '../lib/cursor.js';

/**
 * Keyset pagination, the one way every list pages: the condition for rows after the cursor, the order that makes it
 * stable, how many rows to fetch (one beyond the page, to know whether another page exists) and the page built from
 * them with the cursor of its last row. Offsets would skip or repeat rows as new ones arrive; a keyset does not.
 */
export interface Keyset<Row> {
  /** rows after the cursor; undefined on the first page */
  after: SQL | undefined;
  orderBy: SQL[];
  /** the page size plus one */
  fetch: number;
  page<R extends Row>(rows: R[]): { rows: R[]; nextCursor: string | null };
}

export interface PageQuery {
  limit: number;
  cursor?: string;
}

function keyset<Row>(limit: number, after: SQL | undefined, orderBy: SQL[], cursorOf: (row: Row) => string): Keyset<Row> {
  return {
    after,
    orderBy,
    fetch: limit + 1,
    page(rows) {
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return { rows: page, nextCursor: rows.length > limit && last !== undefined ? cursorOf(last) : null };
    },
  };
}

/** Newest first, over (createdAt desc, id desc): the id breaks ties between rows created in the same instant. */
export function newestFirst<Row extends { createdAt: Date; id: string }>(
  columns: { createdAt: AnyPgColumn; id: AnyPgColumn },
  q: PageQuery,
  idPattern: RegExp,
): Keyset<Row> {
  const c = q.cursor !== undefined ? decodeKeysetCursor(q.cursor, idPattern) : null;
  const after = c ? or(lt(columns.createdAt, c.createdAt), and(eq(columns.createdAt, c.createdAt), lt(columns.id, c.id))) : undefined;
  return keyset<Row>(q.limit, after, [desc(columns.createdAt), desc(columns.id)], encodeKeysetCursor);
}
