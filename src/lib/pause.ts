/**
 * The pause an endpoint asked for (Retry-After) that is still to come, as `YYYY-MM-DD HH:MM:SS` in UTC, or '' when
 * there is none. Whole seconds: several calls paused at once move the instant by milliseconds, and a reader should
 * not see the time flicker. The console's script (assets/console.js) writes the same text in the browser.
 */
export const pendingPause = (pausedUntil: string | null | undefined, nowMs: number): string =>
  pausedUntil && Date.parse(pausedUntil) > nowMs ? pausedUntil.replace('T', ' ').slice(0, 19) : '';
