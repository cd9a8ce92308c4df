// Reading a choice between offered options.
import { escapeRegExp } from '../../lib/regexp.js';
import type { CatalogueOption, Parse } from '../types.js';
import { normalizeLabel, type Prepared } from './text.js';
import { answersAQuestion, colonLeads, contextOf, introducedAsExample, statements } from './statements.js';
import { dropAlternatives, fallback, judge, settle, tooMany, type Mention } from './rules.js';

/** After a label in an unquoted value: the end, punctuation, or a reason ("Route B, because…"). */
const LABEL_END = /^(?:[\s"'`*_]*$|[\s"'`*_]*[,;(.!?:-]|[\s"'`*_]+(?:because|since|as|given|due|so)\b)/;
/** A reason: labels named after it are part of the explanation, not a second answer. */
const REASON = /\b(?:because|since|as|given|due|than|over|instead|rather|unlike|compared)\b/;

/** A value followed by another offered as its alternative: `| "Route B"`, `/ Route B`. */
const ALTERNATIVE_AFTER = /^["'`*_ ]*[|/][ "'`*_]*([^\n]*)/;

interface Labels {
  byNorm: Map<string, CatalogueOption>;
  /** each label offered as an alternative further on a line: `or Route B` */
  orLabel: Map<string, RegExp>;
  /** normalised labels, longest first, so "Route A2" is tried before "Route A" */
  norms: string[];
}

function labelsOf(options: readonly CatalogueOption[]): Labels {
  const byNorm = new Map(options.map((o) => [normalizeLabel(o.label), o]));
  const orLabel = new Map([...byNorm.keys()].map((n) => [n, new RegExp(String.raw`\bor (?:else )?["'\`*_]*${escapeRegExp(n)}\b`)]));
  return { byNorm, orLabel, norms: [...byNorm.keys()].sort((a, b) => b.length - a.length) };
}

/** The label an unquoted value starts with, and its length in the value (after markdown/quotes). */
function leadingLabel(value: string, labels: Labels): { norm: string; at: number; length: number } | null {
  const lower = value.toLowerCase();
  const at = /^[\s"'`*_([]*/.exec(lower)![0].length;
  for (const norm of labels.norms) {
    if (lower.startsWith(norm, at) && !/[a-z0-9]/.test(lower[at + norm.length] ?? ' ')) return { norm, at, length: norm.length };
  }
  return null;
}

function mentionsOf(text: string, labels: Labels): Mention[] | null {
  const out: Mention[] = [];
  let prevEnd = 0;
  const corrected = (rest: string): string | null => leadingLabel(rest, labels)?.norm ?? null;
  const keyed = statements(text);
  const leads = keyed && colonLeads(text);
  if (!keyed || !leads) return null;
  const all = leads.length === 0 ? keyed : [...keyed, ...leads].sort((a, b) => a.start - b.start);
  for (const s of all) {
    let norm: string | null;
    let end: number;
    if (s.quoted) {
      norm = normalizeLabel(s.value);
      end = s.end;
      if (!labels.byNorm.has(norm)) continue;
    } else {
      const lead = leadingLabel(s.value, labels);
      if (!lead) continue;
      const rest = s.value.slice(lead.at + lead.length).toLowerCase();
      if (s.bareLine ? !/^[\s"'`*_.!]*$/.test(rest) : !LABEL_END.test(rest)) continue;
      norm = lead.norm;
      end = s.valueStart + lead.at + lead.length;
      // a second label before any reason makes the line itself ambiguous ("choice: Route B, Route A"), and so does
      // one offered as the alternative further on ("Route A, as the rule requires, or Route B")
      const beforeReason = rest.split(REASON)[0];
      const alternative = (n: string) => beforeReason.includes(n) || labels.orLabel.get(n)!.test(rest);
      if (labels.norms.some((n) => n !== norm && alternative(n)) && !/\b(?:no|wait|actually)\b/.test(beforeReason)) {
        out.push({ value: norm, start: s.start, end, final: s.final, corrected: false, discounted: true });
        prevEnd = end;
        continue;
      }
    }
    const verdict = judge(contextOf(text, s.start, end, prevEnd), corrected);
    // `choice: Route A | Route B`, `{"choice": "Route A" | "Route B"}`: the options listed, not one chosen
    const listed = ALTERNATIVE_AFTER.exec(text.slice(end, end + 80).toLowerCase());
    const discounted =
      verdict.discounted ||
      (listed !== null && labels.norms.some((n) => n !== norm && listed[1].startsWith(n))) ||
      introducedAsExample(text, s.start) ||
      answersAQuestion(text, s.start);
    out.push({ value: norm, start: s.start, end, final: s.final, corrected: false, discounted });
    if (verdict.correctedTo !== null) {
      const offset = text.slice(end, end + 200).toLowerCase().indexOf(verdict.correctedTo);
      if (offset >= 0) {
        const at = end + offset;
        const fixedEnd = at + verdict.correctedTo.length;
        out.push({ value: verdict.correctedTo, start: at, end: fixedEnd, final: s.final, corrected: true, discounted: false });
        prevEnd = fixedEnd;
        continue;
      }
    }
    prevEnd = end;
  }
  return out;
}

/**
 * The speaker stating a choice in prose: "I'll go with Route A", "I choose keep money", "I'm going with **Route A**",
 * "My choice is Route A", "I will return to company after each tree" (a label that is itself a verb phrase), "Elijo
 * Route A". Never read as an answer — only checked against the statements: prose that names another option as the
 * speaker's own choice leaves the answer unread. Fixed words only, tried where each match starts (linear).
 */
const PROSE_CHOICE =
  /\b(?:i(?:'ll| will|'d| would|'m going to| am going to|'ve decided to| have decided to)?(?: (?:now|just|then|also|still|definitely|therefore|thus|simply|happily|gladly|firmly|ultimately|finally|instead|probably|rather|much rather|really|honestly|personally|actually))? (?:choose|pick|select|take|go with|opt for|stick with|decide on|vote for|settle on)|i(?:'m| am) (?:choosing|picking|selecting|taking|going with|opting for|sticking with|staying with)|(?:my|the) (?:final )?(?:choice|pick|decision|answer) is|going with|je (?:choisis|prends|vais choisir)|(?:elijo|escojo|me quedo con|voy a elegir)|ich (?:w[äa]hle|nehme|entscheide mich f[üu]r)|eu (?:escolho|vou escolher)|i(?:'ll| will|'m going to| am going to))(?![a-z])/gi;
/** What may stand between the verb and the label: "the", "to", quotes and markdown ("I choose to \"include TV ad\""). */
const PROSE_LEAD = /^ ?(?:the |to |option |for |la |le |l'|el |die |den |das |o )?["'`*_ ]*/i;
/** …and the other way round: "Route A is my choice", "**Route A** is my final answer". */
const PROSE_CHOICE_AFTER = /\bis (?:my|our) (?:final |clear )?(?:choice|pick|answer|decision|call|selection)\b/gi;
const PROSE_NOT_CHOSEN = /^[\s"'`*_]*(?:or|and|vs\.?|versus|\/)\s/;
/** More prose choices than an answer holds: the answer is not read (and the scan stops). */
const MAX_PROSE_CHOICES = 256;
/** the same in Chinese: 我选择 / 我还是选择 / 我选 */
const PROSE_CHOICE_ZH = /我(?:还是)?(?:选择|選擇|选|選)/g;

/**
 * The values the answer's prose names as the speaker's own choice and that count (not negated, hypothetical, past,
 * corrected …, by the same rules as statements); null when there are too many to look at.
 */
function proseChoices(text: string, labels: Labels, mentions: Mention[], corrected: (rest: string) => string | null): Set<string> | null {
  const out = new Set<string>();
  let seen = 0;
  for (const re of [PROSE_CHOICE, PROSE_CHOICE_ZH]) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      if (++seen > MAX_PROSE_CHOICES) return null;
      const from = m.index + m[0].length;
      const rest = text.slice(from, from + 120);
      const lead = PROSE_LEAD.exec(rest)![0].length;
      const label = leadingLabel(rest.slice(lead), labels);
      if (!label) continue;
      const start = from + lead + label.at;
      const end = start + label.length;
      // options listed ("I'll take Route A or Route B — hard to say") name no choice
      if (PROSE_NOT_CHOSEN.test(text.slice(end, end + 40).toLowerCase())) continue;
      // the label of a statement (already read as one)
      if (mentions.some((x) => x.start <= start && start < x.end)) continue;
      const prevEnd = mentions.findLast((x) => x.end <= m!.index)?.end ?? 0;
      if (!judge(contextOf(text, start, end, prevEnd), corrected).discounted) out.add(label.norm);
    }
  }
  PROSE_CHOICE_AFTER.lastIndex = 0;
  for (let m = PROSE_CHOICE_AFTER.exec(text); m !== null; m = PROSE_CHOICE_AFTER.exec(text)) {
    if (++seen > MAX_PROSE_CHOICES) return null;
    const before = text.slice(Math.max(0, m.index - 80), m.index).toLowerCase();
    const trimmed = before.replace(/["'`*_ ]+$/, '');
    const norm = labels.norms.find((n) => trimmed.endsWith(n) && !/[a-z0-9]/.test(trimmed[trimmed.length - n.length - 1] ?? ' '));
    if (norm === undefined) continue;
    const end = m.index - (before.length - trimmed.length);
    const start = end - norm.length;
    if (mentions.some((x) => x.start <= start && start < x.end)) continue;
    const prevEnd = mentions.findLast((x) => x.end <= start)?.end ?? 0;
    if (!judge(contextOf(text, start, end, prevEnd), corrected).discounted) out.add(norm);
  }
  return out;
}

/**
 * What may open a clause that states another option after the answer and says nothing else: a correction, a
 * change of plan, the speaker's own ("Nope — Route A.", "Change of plan: Route A.", "Mine: Route A", "Perdón, quise
 * decir Route A", "Non, finalement Route A", "不对，还是选 Route A 吧", "いや、やっぱり Route A にします"), or nothing.
 */
const CLAIM_LEAD =
  /^(?:(?:no|nope|nah|no thanks|ok(?:ay)?|so|well|fine|honestly|actually|mine|my (?:real |actual )?(?:answer|choice|pick|vote)|chang(?:e|ing) (?:it |my answer )?to|switch(?:ing)? to|let me revise|revised|change of plan|i meant(?: to (?:type|write|say|put))?|i mean|meant to (?:type|write|say|put)|sorry|oops|final(?:ly)?|in the end|non|finalement|nein|doch|doch lieber|lieber|ach nee|perd[oó]n|quise decir|不对|不|还是选|还是|选|いや|やっぱり)[\s,:，、—–-]*)*$/i;
/** What may end such a clause after the option: "for me", "it is", "though" ("Route A for me, though."). */
const CLAIM_TAIL = /^[\s"'`*_]*(?:(?:for me|it is|it'?s|then|though|instead|please|for sure|final(?:ly)?|for real|にします|にする|吧)[\s,]*)*$/i;
/**
 * Where such a clause may start and end. A colon is part of the lead: only the leads above may end in one ("Mine:
 * Route A"), not a member or key (`"rejected": "Route B"`, `fallback: Route B`), and one after the option ends a term
 * being defined ("Route B: pays more").
 */
const CLAIM_START = /[.!?;\n()—–。！？]|\s-\s/g;
const CLAIM_END = /[.!;\n。！]/;
/** Label occurrences looked at after the answer: bounds the work on hostile text. */
const MAX_CLAIMS = 64;

/**
 * Whether a clause after the last counted statement states another option on its own (see CLAIM_LEAD): the answer
 * then says two things ("{"choice": "Route B"}\nNope — Route A."), and neither is read. Questions ("Route B? Too
 * risky."), terms ("Route B: pays more") and clauses that go on about the option ("Route B pays more") are not
 * claims.
 */
function laterClaim(text: string, from: number, to: number, value: string, labels: Labels, mentions: Mention[]): boolean {
  const rest = text.slice(from, to);
  const lower = rest.toLowerCase();
  let looked = 0;
  for (const norm of labels.norms) {
    if (norm === value) continue;
    for (let at = lower.indexOf(norm); at >= 0; at = lower.indexOf(norm, at + norm.length)) {
      if (++looked > MAX_CLAIMS) return true;
      if (/[a-z0-9]/.test(lower[at - 1] ?? ' ') || /[a-z0-9]/.test(lower[at + norm.length] ?? ' ')) continue;
      // the value of a statement was judged as one (a hypothetical `{"choice": "Route B"}` is discounted there)
      if (mentions.some((m) => m.start <= from + at && from + at < m.end)) continue;
      // a longer label that holds this one ("Route A2" over "Route A") is not this one
      if (labels.norms.some((n) => n.length > norm.length && n.startsWith(norm) && lower.startsWith(n, at))) continue;
      const head = lower.slice(Math.max(0, at - 60), at);
      let start = -1;
      for (const m of head.matchAll(CLAIM_START)) start = m.index! + m[0].length;
      if (start < 0 && at > 60) continue;
      const lead = head.slice(Math.max(start, 0)).replace(/["'`*_>]/g, '').trim();
      const tail = lower.slice(at + norm.length, at + norm.length + 40);
      const stop = CLAIM_END.exec(tail);
      const ending = stop ? tail.slice(0, stop.index) : at + norm.length + 40 >= lower.length ? tail : null;
      if (ending !== null && CLAIM_LEAD.test(lead) && CLAIM_TAIL.test(ending)) return true;
    }
  }
  return false;
}

/**
 * Reads a choice between the offered options. The returned `choice` is the offered label exactly as catalogued.
 * Beyond choice statements we accept one unambiguous extra form: a visible answer that is nothing but one label
 * (e.g. `Route B` or `**Route B**`).
 */
export function readChoiceFrom(p: Prepared, options: readonly CatalogueOption[], finishReason: string | null | undefined): Parse {
  const labels = labelsOf(options);
  const mentions = mentionsOf(p.text, labels);
  if (!mentions) return tooMany(p);
  dropAlternatives(p.text, mentions);
  const verdict = settle(mentions, p.contentEnd, p.text, finishReason, (t) => {
    const norm = normalizeLabel(t);
    return labels.byNorm.has(norm) ? norm : null;
  });
  if (verdict?.value) {
    // prose that states another option as the speaker's own choice ("I'll go with Route A" over `{"choice": "Route
    // B"}`): the answer says two things, and neither is read
    const prose = proseChoices(p.text, labels, mentions, (rest) => leadingLabel(rest, labels)?.norm ?? null);
    const last = mentions.findLast((m) => !m.discounted)!;
    const conflict =
      prose === null || [...prose].some((v) => v !== verdict.value) || laterClaim(p.text, last.end, p.contentEnd + 1, verdict.value, labels, mentions);
    if (conflict) return fallback(p.text, p.unclosed, finishReason, { value: null, rule: 'conflicting-statements' });
    const option = labels.byNorm.get(verdict.value)!;
    return { choice: option.label, status: 'parsed', role: option.role, rule: verdict.rule };
  }
  // a bare label asked as a question (`Route B?`) is no answer
  if (!verdict && !p.unclosed && p.text.length <= 400 && !/\?[\s*_`"']*$/.test(p.text)) {
    const whole = labels.byNorm.get(normalizeLabel(p.text));
    if (whole) return { choice: whole.label, status: 'parsed', role: whole.role, rule: 'bare-label' };
  }
  return fallback(p.text, p.unclosed, finishReason, verdict);
}
