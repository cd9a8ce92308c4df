// Run progress on stderr: a redrawn bar on a terminal, plain lines otherwise (CI logs), at most one per 10 % step
// or status change.
import { pendingPause } from '../lib/pause.js';

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface RunLike {
  id: string;
  status: string;
  progress: { done: number; total: number; percent: number };
  /** the time an endpoint asked the run to pause until (Retry-After), while the run is active */
  pausedUntil?: string | null;
}

export interface ProgressReporter {
  update(run: RunLike): void;
  /** ends the bar's line (call once, after the last update) */
  finish(): void;
}

const BAR_MIN = 10;
const BAR_MAX = 40;

export function renderBar(percent: number, width: number): string {
  const p = Math.max(0, Math.min(100, percent));
  const full = Math.round((p / 100) * width);
  return '█'.repeat(full) + '░'.repeat(width - full);
}

export function createProgressReporter(
  stream: ProgressStream,
  opts: { label?: string; tty?: boolean; /** the clock, for tests */ now?: () => number } = {},
): ProgressReporter {
  const now = opts.now ?? Date.now;
  const tty = opts.tty ?? stream.isTTY === true;
  const label = opts.label ?? 'run';
  let lastStatus: string | undefined;
  let lastBucket = -1;
  let drawn = false;
  let finished = false;
  let lastPause = '';
  const pauseOf = (run: RunLike) => pendingPause(run.pausedUntil, now());

  const describe = (run: RunLike) =>
    `${run.progress.percent.toFixed(1).padStart(5)}%  ${run.progress.done}/${run.progress.total} calls  ${run.status}`;

  return {
    update(run) {
      if (finished) return;
      if (tty) {
        const cols = stream.columns ?? 80;
        const pause = pauseOf(run);
        const note = pause ? `  paused until ${pause.slice(11)} UTC` : '';
        // the bar gives way to the note
        const width = Math.max(BAR_MIN, Math.min(BAR_MAX, cols - 50 - note.length));
        const line = `${label} [${renderBar(run.progress.percent, width)}] ${describe(run)}${note}`;
        // one terminal row: a line that wraps leaves its first row behind on every redraw
        stream.write(`\r\x1b[2K${[...line].slice(0, Math.max(20, cols - 1)).join('')}`);
        drawn = true;
        return;
      }
      const bucket = Math.floor(run.progress.percent / 10);
      if (run.status !== lastStatus || bucket > lastBucket) {
        stream.write(`${label} ${run.id}: ${describe(run)}\n`);
        lastStatus = run.status;
        lastBucket = bucket;
      }
      // a new pause gets one line, so a CI log explains progress that stands still
      const pause = pauseOf(run);
      if (pause && pause !== lastPause) stream.write(`${label} ${run.id}: paused: the endpoint asked to wait (Retry-After) until ${pause} UTC\n`);
      lastPause = pause || lastPause;
    },
    finish() {
      if (finished) return;
      finished = true;
      if (tty && drawn) stream.write('\n');
    },
  };
}
