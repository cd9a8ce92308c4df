import { createRoute } from '@hono/zod-openapi';
import type { App } from '../../http/env.js';
import type { Deps } from '../../deps.js';
import { requireAuth } from '../../http/middleware.js';
import { problemResponses } from '../../http/problem-schema.js';
import { submitToLeaderboard } from '../../services/leaderboard.js';
import { LeaderboardSubmissionSchema, SubmitLeaderboardBody } from './schema.js';

export function submitLeaderboardRoute(deps: Deps) {
  return createRoute({
    method: 'post',
    path: '/v1/leaderboard/submissions',
    operationId: 'submitToLeaderboard',
    tags: ['leaderboard'],
    summary: 'Submit a run to the leaderboard of its suite',
    description:
      'The run must be yours (404 otherwise), succeeded, not custom, not an operator baseline, and its report must ' +
      'not be `lowValidity` — otherwise 422 `not-eligible` with `reason` (`not_finished`, `custom`, `low_validity`, ' +
      '`operator_baseline`, `no_score`) and a precise `detail`. The board keeps one entry per lab, model and suite: ' +
      'its best score. A better score replaces the entry (201); an equal or worse one leaves it (200, `outcome: kept`).',
    security: [{ bearerAuth: [] }],
    middleware: [requireAuth(deps, 'leaderboard:write')] as const,
    request: { body: { required: true, content: { 'application/json': { schema: SubmitLeaderboardBody } } } },
    responses: {
      201: { description: 'New entry, or the model\'s previous best was beaten and replaced', content: { 'application/json': { schema: LeaderboardSubmissionSchema } } },
      200: { description: 'Not better than the model\'s best: the previous entry is kept', content: { 'application/json': { schema: LeaderboardSubmissionSchema } } },
      ...problemResponses(400, 401, 403, 404, 413, 415, 422),
    },
  });
}

export function registerSubmitLeaderboard(app: App, deps: Deps) {
  app.openapi(submitLeaderboardRoute(deps), async (c) => {
    const result = await submitToLeaderboard(deps, c.get('principal').tenantId, c.req.valid('json').runId);
    c.get('logger').info('leaderboard submission', { runId: result.submitted.runId, outcome: result.outcome });
    return result.outcome === 'kept' ? c.json(result, 200) : c.json(result, 201);
  });
}
