/** What a queued job does: drive one episode, or attempt one webhook delivery. The worker dispatches on it. */
export const JOB_KINDS = ['episode', 'webhook'] as const;
export type JobKind = (typeof JOB_KINDS)[number];
