// Reading a choice between offered options.
import type { CatalogueOption, Parse } from '../types.js';
import { normalizeLabel, type Prepared } from './text.js';
import { contextOf, introducedAsExample, statements } from './statements.js';
import { dropAlternatives, fallback, judge, settle, tooMany, type Mention } from './rules.js';

/** After a label in an unquoted value: the end, punctuation, or a reason ("Route B, because…"). */
const LABEL_END = /^(?:[\s"'`*_]*$|[\s"'`*_]*[,;(.!?:-]|[\s"'`*_]+(?:because|since|as|given|due|so)\b)/;
/** A reason: labels named after it are part of the explanation, not a second answer. */
const REASON = /\b(?:because|since|as|given|due|than|over|instead|rather|unlike|compared)\b/;

/** `**Which option pays more?** Answer: …`: the answer to a question the model asked itself, not its choice. */
function answersAQuestion(text: string, start: number): boolean {
  const line = text.slice(Math.max(0, text.lastIndexOf('\n', start - 1) + 1, start - 200), start);
  const q = line.lastIndexOf('?');
  return q >= 0 && /^[\s*_:-]*$/.test(line.slice(q + 1));
}

/** A value followed by another offered as its alternative: `| "Route B"`, `/ Route B`. */
const ALTERNATIVE_AFTER = /^["'`*_ ]*[|/][ "'`*_]*([^\n]*)/;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

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
  const all = statements(text);
  if (!all) return null;
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
