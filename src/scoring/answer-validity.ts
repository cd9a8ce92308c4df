// The line below which a run did not measure anything: most of its answers could not be read (transport errors,
// truncated or unparsable answers). Such a run ends `failed` (problem `insufficient-valid-answers`) instead of
// `succeeded`, with its report kept for diagnosis. Refusals are readable answers: they are the model's decision.
import type { DecisionCounts } from './report-types.js';

/** Readable answers (parsed or refused) must be at least this share of all decisions. */
export const MIN_READABLE_SHARE = 0.5;

export interface Validity {
  readable: number;
  total: number;
  /** readable / total, 0 when there were no decisions */
  share: number;
  sufficient: boolean;
}

export function answerValidity(d: DecisionCounts): Validity {
  const total = d.parsed + d.unparsed + (d.ambiguous ?? 0) + d.refused + d.truncated + d.error;
  const readable = d.parsed + d.refused;
  const share = total === 0 ? 0 : readable / total;
  return { readable, total, share, sufficient: total > 0 && share >= MIN_READABLE_SHARE };
}

/**
 * Why the answers were not readable, largest cause first, e.g. `214 truncated, 40 error`; with `refused`, refusals
 * too (readable answers, but not choices).
 */
export function unreadableCauses(d: DecisionCounts, opts: { refused?: boolean } = {}): string {
  const causes: Array<[string, number]> = [
    ['error', d.error],
    ['truncated', d.truncated],
    ['unparsed', d.unparsed],
    ['ambiguous', d.ambiguous ?? 0],
    ...(opts.refused ? ([['refused', d.refused]] as Array<[string, number]>) : []),
  ];
  return causes
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
}
