// Scores a reader on the corpus: how many answers it read, and how many of those it got wrong.
import type { CatalogueOption, Parse } from '../../../src/testbeds/types.js';
import { CHOICE_CORPUS } from './choices.js';
import { NUMBER_CORPUS } from './numbers.js';
import { OPTION_SETS, type CorpusEntry } from './options.js';

export interface ReaderUnderTest {
  readChoice(r: { content: string | null; reasoning?: string | null; finishReason?: string | null }, options: readonly CatalogueOption[]): Parse;
  readAnswer(r: { content: string | null; reasoning?: string | null; finishReason?: string | null }): Parse;
}

export interface Outcome {
  entry: CorpusEntry;
  kind: 'choice' | 'number';
  parse: Parse;
  /** read a value other than the expected one */
  wrong: boolean;
  /** read a value where none should be read */
  falseParse: boolean;
}

export function runCorpus(reader: ReaderUnderTest): { outcomes: Outcome[]; total: number; read: number; wrong: number; falseParses: number } {
  const outcomes: Outcome[] = [];
  const judge = (entry: CorpusEntry, kind: Outcome['kind'], parse: Parse) => {
    const read = parse.status === 'parsed';
    outcomes.push({
      entry,
      kind,
      parse,
      wrong: read && entry.choice !== null && parse.choice !== entry.choice,
      falseParse: read && entry.choice === null,
    });
  };
  for (const e of CHOICE_CORPUS) {
    const response = { content: e.content, reasoning: e.reasoning ?? null, finishReason: e.finishReason ?? 'stop' };
    judge(e, 'choice', reader.readChoice(response, OPTION_SETS[e.options ?? 'ROUTES']));
  }
  for (const e of NUMBER_CORPUS) {
    judge(e, 'number', reader.readAnswer({ content: e.content, reasoning: e.reasoning ?? null, finishReason: e.finishReason ?? 'stop' }));
  }
  const read = outcomes.filter((o) => o.parse.status === 'parsed').length;
  return {
    outcomes,
    total: outcomes.length,
    read,
    wrong: outcomes.filter((o) => o.wrong).length,
    falseParses: outcomes.filter((o) => o.falseParse).length,
  };
}
