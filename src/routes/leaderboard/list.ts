import type { App } from '../../http/env.js';
import { problemResponses } from '../../http/problem-schema.js';
import { publicRoute } from '../../http/secured-route.js';
import { listLeaderboard } from '../../services/leaderboard.js';
import { sendJsonWithEtag } from '../../http/etag.js';
import { ConditionalHeaders, etagHeaders, notModifiedResponse } from '../../http/cache-schema.js';
import { LeaderboardSchema, SuiteQuery } from './schema.js';

export const listLeaderboardRoute = publicRoute({
  method: 'get',
  path: '/v1/leaderboard',
  operationId: 'getLeaderboard',
  tags: ['leaderboard'],
  summary: 'The leaderboard of a suite (public)',
  description:
    'One entry per lab and model pooling all its eligible runs (mean score, number of runs), best first, with a 95% interval; `tiedWithPrevious` marks entries ' +
    'statistically tied with the one ranked above. No token needed.',
  request: { query: SuiteQuery, headers: ConditionalHeaders },
  responses: {
    200: { description: 'The board, with an `ETag` of its current state', headers: etagHeaders, content: { 'application/json': { schema: LeaderboardSchema } } },
    304: notModifiedResponse,
    ...problemResponses(400),
  },
});

export function registerListLeaderboard(app: App) {
  app.openapi(listLeaderboardRoute, async (c) => {
    const deps = c.get('deps');
    return sendJsonWithEtag(c, await listLeaderboard(deps, c.req.valid('query').suite), 'public') as never;
  });
}
