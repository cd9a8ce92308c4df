import type { App } from '../../http/env.js';
import { securedRoute } from '../../http/secured-route.js';
import { problemResponses } from '../../http/problem-schema.js';
import { submitToLeaderboard } from '../../services/leaderboard.js';
import { LeaderboardSubmissionSchema, SubmitLeaderboardBody } from './schema.js';

export const submitLeaderboardRoute = securedRoute({
  method: 'post',
  path: '/v1/leaderboard/submissions',
  operationId: 'submitToLeaderboard',
  tags: ['leaderboard'],
  summary: 'Submit a run to the leaderboard of its suite',
  description:
    'The run must be yours (404 otherwise), succeeded, not custom, not an operator baseline, and its report must ' +
    'not be `lowValidity` and must have a complete score (`scoreStatus` `complete`) — otherwise 422 `not-eligible` ' +
    'with `reason` (`not_finished`, `custom`, `suite` (a suite without a board), `low_validity`, `operator_baseline`, ' +
    '`no_score`, `partial_score`, `outdated_report`) and a precise `detail`. The board keeps one entry per lab, model and suite, ' +
    'pooling ALL the model\'s eligible runs of that suite (mean score, with the number of runs), never the best one: ' +
    'submitting puts the model on the board (201) or re-pools its entry (200); it never selects runs.',
  scope: 'leaderboard:write',
  request: { body: { required: true, content: { 'application/json': { schema: SubmitLeaderboardBody } } } },
  responses: {
    201: { description: 'New entry for this model', content: { 'application/json': { schema: LeaderboardSubmissionSchema } } },
    200: { description: 'The model\'s entry, re-pooled over all its eligible runs', content: { 'application/json': { schema: LeaderboardSubmissionSchema } } },
    ...problemResponses(400, 404, 413, 415, 422),
  },
});

export function registerSubmitLeaderboard(app: App) {
  app.openapi(submitLeaderboardRoute, async (c) => {
    const deps = c.get('deps');
    const result = await submitToLeaderboard(deps, c.get('principal').tenantId, c.req.valid('json').runId);
    c.get('logger').info('leaderboard submission', { runId: result.submitted.runId, outcome: result.outcome });
    return result.outcome === 'updated' ? c.json(result, 200) : c.json(result, 201);
  });
}
