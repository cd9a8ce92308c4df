import { createRoute } from '@hono/zod-openapi';
import type { App } from '../../http/env.js';
import type { Deps } from '../../deps.js';
import { problemResponses } from '../../http/problem-schema.js';
import { listLeaderboard } from '../../services/leaderboard.js';
import { sendJsonWithEtag } from '../../http/etag.js';
import { LeaderboardSchema, SuiteQuery } from './schema.js';

export const listLeaderboardRoute = createRoute({
  method: 'get',
  path: '/v1/leaderboard',
  operationId: 'getLeaderboard',
  security: [],
  tags: ['leaderboard'],
  summary: 'The leaderboard of a suite (public)',
  description:
    'Every lab\'s best eligible score per model, best first, with a 95% interval; `tiedWithPrevious` marks entries ' +
    'statistically tied with the one ranked above. No token needed.',
  request: { query: SuiteQuery },
  responses: {
    200: { description: 'The board, with an `ETag` of its current state', content: { 'application/json': { schema: LeaderboardSchema } } },
    304: { description: 'Not modified: `If-None-Match` names the current ETag' },
    ...problemResponses(400),
  },
});

export function registerListLeaderboard(app: App, deps: Deps) {
  app.openapi(listLeaderboardRoute, async (c) => {
    return sendJsonWithEtag(c, await listLeaderboard(deps, c.req.valid('query').suite), 'public') as never;
  });
}
