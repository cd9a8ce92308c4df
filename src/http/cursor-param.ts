import { z } from '@hono/zod-openapi';

/**
 * The `cursor` query parameter of a paged list: opaque, the `nextCursor` of a page. It continues the list after the
 * item it names, whatever the filters (keyset paging), which is why callers must keep the page's filters.
 */
export function cursorParam(item: string, refused: string, maxLength = 200) {
  return z
    .string()
    .max(maxLength)
    .optional()
    .openapi({
      param: { name: 'cursor', in: 'query' },
      description:
        `Opaque cursor from \`nextCursor\`. The list continues after the ${item} it names, whatever the filters, so pass the same ` +
        `filters as the page it came from; with other filters start from the first page. ${refused}`,
    });
}
