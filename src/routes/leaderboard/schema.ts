import { z } from '@hono/zod-openapi';
import { DEFAULT_LEADERBOARD_SUITE, LEADERBOARD_SUITE_IDS, isLeaderboardSuite, noBoardMessage } from '../../services/leaderboard.js';

const CI95_DESCRIPTION =
  '95% interval of the score, [low, high] on the 0–100 scale. Of one run: its report\'s `scoreCi95` (the interval ' +
  'report.html and the CI gate show, from the episode-level variation of every testbed). Of a board entry: mean ' +
  'score ± 1.96 · SE with SE = √(Σ se_i²) / n over its n runs, se_i = (hi_i − lo_i) / (2 · 1.96), clamped to [0, 100].';

export const SuiteQuery = z.object({
  suite: z
    .string()
    .max(100)
    .default(DEFAULT_LEADERBOARD_SUITE)
    .superRefine((s, ctx) => {
      if (!isLeaderboardSuite(s)) ctx.addIssue({ code: 'custom', message: noBoardMessage(s) });
    })
    .openapi({
      param: { name: 'suite', in: 'query' },
      description: `Which suite's board (${LEADERBOARD_SUITE_IDS.join(', ')}; default ${DEFAULT_LEADERBOARD_SUITE}). Unknown suites are 400.`,
      example: DEFAULT_LEADERBOARD_SUITE,
    }),
});

export const ScoreIntervalSchema = z
  .tuple([z.number(), z.number()])
  .openapi('ScoreInterval', { description: CI95_DESCRIPTION, example: [68.1, 81.9] });

export const LeaderboardEntrySchema = z
  .object({
    rank: z.number().int().openapi({ description: 'Standard competition rank by score (equal scores share a rank: 1, 2, 2, 4).', example: 1 }),
    runId: z.string().openapi({ description: 'The model\'s most recently submitted run (the score pools all its eligible runs: see `runs`).', example: 'run_8f3k2m9x0c3v7b1n5q8w6e2r' }),
    model: z.string().openapi({ description: 'Model name as evaluated.', example: 'acme-8b-dpo' }),
    family: z.string().nullable().openapi({ description: 'Model family label of the endpoint, if set.', example: 'acme-8b' }),
    variant: z.string().nullable().openapi({ description: 'Variant label of the endpoint (e.g. base, dpo, grpo), if set.', example: 'dpo' }),
    tenant: z.string().openapi({ description: 'Name of the lab that submitted it.', example: 'acme-labs' }),
    score: z.number().openapi({
      description:
        'ATP robustness score (0–100, higher is more robust), 2 decimals: the mean over ALL the model\'s eligible runs of ' +
        'this suite (succeeded, on the published seeds, without overrides, not lowValidity, with a complete score), never ' +
        'the best one.',
      example: 75.12,
    }),
    ci95: ScoreIntervalSchema,
    suite: z.string().openapi({ description: 'Suite id.', example: DEFAULT_LEADERBOARD_SUITE }),
    runs: z.number().int().openapi({ description: 'Number of eligible runs pooled into the score.', example: 3 }),
    submittedAt: z.string().openapi({ description: 'When the model was last submitted.', example: '2026-11-27T10:02:11.000Z' }),
    tiedWithPrevious: z.boolean().openapi({
      description: 'True when this entry\'s ci95 overlaps the ci95 of the entry ranked directly above it: the two are statistically tied.',
      example: false,
    }),
  })
  .openapi('LeaderboardEntry');

export const LeaderboardSchema = z
  .object({
    items: z.array(LeaderboardEntrySchema).openapi({ description: 'Entries by score, best first (ties by earlier submission); one per lab and model.' }),
  })
  .openapi('Leaderboard');

export const SubmitLeaderboardBody = z
  .object({
    runId: z.string().min(1).max(100).openapi({ description: 'A succeeded, non-custom, valid run of yours: its model goes on the board of its suite.', example: 'run_8f3k2m9x0c3v7b1n5q8w6e2r' }),
  })
  .strict()
  .openapi('LeaderboardSubmissionRequest');

export const LeaderboardSubmissionSchema = z
  .object({
    outcome: z.enum(['created', 'updated']).openapi({
      description: '`created`: first entry of this model; `updated`: the model\'s entry was re-pooled over all its eligible runs (whether its score went up or down).',
      example: 'created',
    }),
    entry: LeaderboardEntrySchema,
    submitted: z
      .object({
        runId: z.string().openapi({ description: 'The submitted run.', example: 'run_8f3k2m9x0c3v7b1n5q8w6e2r' }),
        score: z.number().openapi({ description: 'Its score.', example: 75.12 }),
        ci95: ScoreIntervalSchema,
      })
      .openapi({ description: 'The submitted run on its own (the entry pools it with the model\'s other eligible runs).' }),
    previousScore: z.number().nullable().openapi({ description: 'The entry\'s score before this submission; null for a new entry.', example: null }),
  })
  .openapi('LeaderboardSubmission');

export type LeaderboardEntry = z.infer<typeof LeaderboardEntrySchema>;
export type LeaderboardResponse = z.infer<typeof LeaderboardSchema>;
export type LeaderboardSubmission = z.infer<typeof LeaderboardSubmissionSchema>;
