// How long a run waits for the pauses an endpoint asks for (a 429 or 503 with a Retry-After longer than the client
// waits holding a slot). Shared by the pre-flight dry run and the episode calls, so both wait by the same rule.

/** The longest a call (or the pre-flight) waits, in all, for the pauses an endpoint asks for before it counts as refused. */
export const MAX_RESCHEDULED_WAIT_MS = 15 * 60_000;

export const describeWait = (ms: number) =>
  ms >= 86_400_000 ? `${Math.round(ms / 86_400_000)} d` : ms >= 3_600_000 ? `${Math.round(ms / 3_600_000)} h` : ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`;
