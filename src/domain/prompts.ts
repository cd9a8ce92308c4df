// Prompts are stored without the history they replay. Every protocol rebuilds its prompt from the episode's past
// answers, so the prompt of round n repeats most of round n-1's: storing it whole made storage grow with the square of
// the rounds. A call's prompt is stored as a reference to an earlier call of the same episode (`PromptBase`: "the first
// k messages of that call's prompt") plus the messages after them; reading rebuilds the exact prompt that was sent.
import { inArray } from 'drizzle-orm';
import type { Deps } from '../deps.js';
import { modelCalls, type PromptBase } from '../db/schema.js';
import type { ChatMessage, ModelRequest } from '../testbeds/types.js';

/** The prompt of one persisted call, as the writer remembers it to base the next prompts on. */
export interface SentPrompt {
  round: number;
  agent: number;
  step: number;
  messages: readonly ChatMessage[];
}

export const sentPrompt = (call: { round: number; agent: number; step: number; request: ModelRequest }): SentPrompt => ({
  round: call.round,
  agent: call.agent,
  step: call.step,
  messages: call.request.messages,
});

const sameKeys = (a: object, b: object) => {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k, i) => k === kb[i]);
};

/**
 * The two messages serialise to the same JSON. Compared field by field rather than by serialising both: replayed
 * answers can be hundreds of kilobytes, and equal strings compare without escaping them (the comparison ran for every
 * message of every call).
 */
export function sameMessage(a: ChatMessage, b: ChatMessage): boolean {
  if (a === b) return true;
  if (a.role !== b.role || a.content !== b.content || a.tool_call_id !== b.tool_call_id || !sameKeys(a, b)) return false;
  if (a.tool_calls === b.tool_calls) return true;
  return JSON.stringify(a.tool_calls) === JSON.stringify(b.tool_calls);
}

/**
 * What to store for a call's request, given earlier prompts of its episode (already persisted): the longest shared
 * prefix wins, the same agent's prompt on a tie. Without a shared prefix the request is stored whole.
 */
export function storedPrompt(
  call: { agent: number; request: ModelRequest },
  earlier: Iterable<SentPrompt>,
): { request: ModelRequest; promptBase: PromptBase | null } {
  const messages = call.request.messages;
  let best: SentPrompt | null = null;
  let bestK = 0;
  for (const p of earlier) {
    let k = 0;
    const max = Math.min(p.messages.length, messages.length);
    while (k < max && sameMessage(p.messages[k], messages[k])) k++;
    if (k > bestK || (k === bestK && k > 0 && p.agent === call.agent && best?.agent !== call.agent)) {
      best = p;
      bestK = k;
    }
  }
  if (!best || bestK === 0) return { request: call.request, promptBase: null };
  return {
    request: { ...call.request, messages: call.request.messages.slice(bestK) },
    promptBase: { round: best.round, agent: best.agent, step: best.step, messages: bestK },
  };
}

type StoredCall = { episodeId: string; round: number; agent: number; step: number; request: ModelRequest; promptBase: PromptBase | null };
const keyOf = (episodeId: string, c: { round: number; agent: number; step: number }) => `${episodeId}/${c.round}/${c.agent}/${c.step}`;

/**
 * Replaces each row's stored request by the full prompt that was sent (rows without a `promptBase` are whole
 * already). Loads the prompts of the episodes concerned once; rebuilt prompts share their message objects.
 */
export async function rebuildPrompts<R extends StoredCall>(deps: Pick<Deps, 'db'>, rows: R[]): Promise<R[]> {
  const episodeIds = [...new Set(rows.filter((r) => r.promptBase).map((r) => r.episodeId))];
  if (episodeIds.length === 0) return rows;
  const stored = new Map<string, StoredCall>();
  for (const r of rows) stored.set(keyOf(r.episodeId, r), r);
  const others = await deps.db.db
    .select({
      episodeId: modelCalls.episodeId,
      round: modelCalls.round,
      agent: modelCalls.agent,
      step: modelCalls.step,
      request: modelCalls.request,
      promptBase: modelCalls.promptBase,
    })
    .from(modelCalls)
    .where(inArray(modelCalls.episodeId, episodeIds));
  for (const o of others) if (!stored.has(keyOf(o.episodeId, o))) stored.set(keyOf(o.episodeId, o), o);

  const full = new Map<string, ChatMessage[]>();
  const resolve = (episodeId: string, c: StoredCall): ChatMessage[] => {
    const key = keyOf(episodeId, c);
    const hit = full.get(key);
    if (hit) return hit;
    let messages = c.request.messages;
    if (c.promptBase) {
      const base = stored.get(keyOf(episodeId, c.promptBase));
      // a base is always persisted before the calls that refer to it; a missing one leaves the stored messages
      if (base) messages = [...resolve(episodeId, base).slice(0, c.promptBase.messages), ...messages];
    }
    full.set(key, messages);
    return messages;
  };
  return rows.map((r) => (r.promptBase ? { ...r, request: { ...r.request, messages: resolve(r.episodeId, r) }, promptBase: null } : r));
}
