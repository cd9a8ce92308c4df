import { describe, expect, it } from 'vitest';
import * as reader from '../../src/testbeds/reader.js';
import type { CatalogueOption } from '../../src/testbeds/types.js';
import { runCorpus } from './reader-corpus/score.js';
import { CHOICE_CORPUS } from './reader-corpus/choices.js';
import { NUMBER_CORPUS } from './reader-corpus/numbers.js';
import { UNSEEN_CORPUS, UNSEEN_OPTIONS } from './reader-corpus/unseen.js';
import { PASS3_BEFORE, PASS3_CORPUS } from './reader-corpus/pass3.js';
import { PASS4_CORPUS } from './reader-corpus/pass4.js';
import { PASS5_CORPUS } from './reader-corpus/pass5.js';
import { PASS6_BEFORE, PASS6_CORPUS } from './reader-corpus/pass6.js';
import { PASS7_CORPUS } from './reader-corpus/pass7.js';
import { PASS8_BEFORE, PASS8_CORPUS, PASS8_KNOWN_MISREADS } from './reader-corpus/pass8.js';
import { PASS9_BEFORE, PASS9_CORPUS, PASS9_KNOWN_MISREADS } from './reader-corpus/pass9.js';
import { PASS10_BEFORE, PASS10_CORPUS } from './reader-corpus/pass10.js';

/**
 * The reader before v2 (1.x), measured on this corpus when it was written: it read 216 of 278 answers (77.7 %),
 * but 56 of those readings were the wrong value and 13 read a value from an answer that has none.
 */
const OLD_READER = { total: 278, read: 216 };

/** Every answer of a corpus read as a run would read it (a choice when it has options, else a number). */
function readAll<E extends { content: string; finishReason?: string }>(corpus: readonly E[], optionsOf: (e: E) => readonly CatalogueOption[] | null) {
  return corpus.map((e) => {
    const response = { content: e.content, reasoning: null, finishReason: e.finishReason ?? 'stop' };
    const options = optionsOf(e);
    const parse = options ? reader.readChoice(response, options) : reader.readAnswer(response);
    return { e, parse, value: parse.status === 'parsed' ? parse.choice : null };
  });
}

describe('reader corpus', () => {
  const result = runCorpus(reader);

  it('has at least 200 answers from several model families, with unique ids', () => {
    expect(result.total).toBeGreaterThanOrEqual(200);
    const families = new Set([...CHOICE_CORPUS, ...NUMBER_CORPUS].map((e) => e.family));
    for (const f of ['gpt', 'claude', 'llama', 'qwen', 'deepseek-r1', 'magistral', 'gpt-oss', 'gemini']) expect(families).toContain(f);
    const ids = CHOICE_CORPUS.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('reads no wrong value and no value where there is none', () => {
    const bad = result.outcomes.filter((o) => o.wrong || o.falseParse).map((o) => `${o.entry.id}: ${JSON.stringify(o.parse)}`);
    expect(bad).toEqual([]);
  });

  it('reads at least as large a share as the old reader did', () => {
    expect(result.read / result.total).toBeGreaterThanOrEqual(OLD_READER.read / OLD_READER.total);
  });

  it('reads every answer exactly as expected, and records the rule that decided', () => {
    const off = result.outcomes
      .filter((o) => o.parse.choice !== o.entry.choice || (o.entry.status !== undefined && o.parse.status !== o.entry.status))
      .map((o) => `${o.kind} ${o.entry.id}: ${JSON.stringify(o.parse)}`);
    expect(off).toEqual([]);
    for (const o of result.outcomes) expect(o.parse.rule, o.entry.id).toEqual(expect.any(String));
  });

  it('is deterministic: the same answer reads the same, on a fresh object or the cached one', () => {
    const again = runCorpus(reader);
    expect(JSON.stringify(again.outcomes.map((o) => o.parse))).toBe(JSON.stringify(result.outcomes.map((o) => o.parse)));
  });
});

describe('reader on the unseen corpus (answers written by a separate red-team pass)', () => {
  const read = UNSEEN_CORPUS.map((e) => {
    const response = { content: e.content, reasoning: null, finishReason: 'stop' };
    return { e, parse: e.options ? reader.readChoice(response, UNSEEN_OPTIONS[e.options]) : reader.readAnswer(response) };
  });

  it('holds at least 500 answers from several model families, with unique ids, 150 of them typical answers', () => {
    expect(UNSEEN_CORPUS.length).toBeGreaterThanOrEqual(500);
    expect(UNSEEN_CORPUS.filter((e) => e.natural).length).toBeGreaterThanOrEqual(150);
    expect(new Set(UNSEEN_CORPUS.map((e) => e.id)).size).toBe(UNSEEN_CORPUS.length);
    expect(new Set(UNSEEN_CORPUS.map((e) => e.family)).size).toBeGreaterThanOrEqual(10);
  });

  it('never reads a value a careful human would not: no wrong value, no value where there is none', () => {
    const bad = read
      .filter(({ e, parse }) => parse.status === 'parsed' && parse.choice !== (e.human ?? e.choice))
      .map(({ e, parse }) => `${e.id}: ${JSON.stringify(parse)}`);
    expect(bad).toEqual([]);
  });

  it('reads every answer exactly as recorded (a new miss or a new read is a change to look at)', () => {
    const off = read.filter(({ e, parse }) => (parse.status === 'parsed' ? parse.choice : null) !== e.choice).map(({ e, parse }) => `${e.id}: ${JSON.stringify(parse)}`);
    expect(off).toEqual([]);
  });
});

describe('reader on the third red-team corpus (answers built to break reader 2.1.0)', () => {
  const read = readAll(PASS3_CORPUS, (e) => (e.options ? UNSEEN_OPTIONS[e.options] : null));

  it('holds every answer of the pass, with unique ids', () => {
    // the pass's answers, and a few typical ones added since, which guard the new discounts from reaching too far
    expect(PASS3_CORPUS.length).toBeGreaterThanOrEqual(PASS3_BEFORE.total);
    expect(new Set(PASS3_CORPUS.map((e) => e.id)).size).toBe(PASS3_CORPUS.length);
  });

  it('never reads a value a careful human would not (reader 2.1.0 did, 68 times)', () => {
    const bad = read.filter(({ e, value }) => value !== null && value !== e.human).map(({ e, parse }) => `${e.id}: ${JSON.stringify(parse)}`);
    expect(bad).toEqual([]);
  });

  it('reads every answer exactly as recorded, and every answer written as models typically answer', () => {
    const off = read.filter(({ e, value }) => value !== e.choice).map(({ e, parse }) => `${e.id}: ${JSON.stringify(parse)}`);
    expect(off).toEqual([]);
    for (const { e, value } of read.filter(({ e }) => e.id.startsWith('typ-'))) expect(value, e.id).toBe(e.human);
  });
});

describe('reader on the fourth red-team corpus (typical answers, and answers built to break reader 2.2.0 as drafted)', () => {
  const read = readAll(PASS4_CORPUS, (e) => (e.options ? UNSEEN_OPTIONS[e.options] : null));

  it('holds 150 answers, 80 of them typical, with unique ids', () => {
    expect(PASS4_CORPUS.length).toBe(150);
    expect(PASS4_CORPUS.filter((e) => e.typical).length).toBe(80);
    expect(new Set(PASS4_CORPUS.map((e) => e.id)).size).toBe(150);
  });

  it('never reads a value a careful human would not', () => {
    const bad = read.filter(({ e, value }) => value !== null && value !== e.human).map(({ e, parse }) => `${e.id}: ${JSON.stringify(parse)}`);
    expect(bad).toEqual([]);
  });

  it('reads every answer exactly as recorded, and at least 85% of the typical answers a person reads', () => {
    expect(read.filter(({ e, value }) => value !== e.choice).map(({ e, parse }) => `${e.id}: ${JSON.stringify(parse)}`)).toEqual([]);
    const typical = read.filter(({ e }) => e.typical && e.human !== null);
    expect(typical.filter(({ e, value }) => value === e.human).length / typical.length).toBeGreaterThanOrEqual(0.85);
  });
});

describe('reader on the fifth corpus (120 typical answers written without looking at the reader)', () => {
  const read = readAll(PASS5_CORPUS, (e) => (e.options ? e.options : null));

  it('never reads a value a careful human would not, and reads at least 85% of those a person reads', () => {
    expect(PASS5_CORPUS.length).toBe(120);
    expect(read.filter(({ e, value }) => value !== null && value !== e.human).map(({ e, parse }) => `${e.id}: ${JSON.stringify(parse)}`)).toEqual([]);
    const readable = read.filter(({ e }) => e.human !== null);
    expect(readable.filter(({ e, value }) => value === e.human).length / readable.length).toBeGreaterThanOrEqual(0.85);
  });

  it('reads every answer exactly as recorded', () => {
    expect(read.filter(({ e, value }) => value !== e.choice).map(({ e, parse }) => `${e.id}: ${JSON.stringify(parse)}`)).toEqual([]);
  });
});

describe('reader on the sixth corpus (answers built to break reader 2.2.1, and typical answers)', () => {
  const read = readAll(PASS6_CORPUS, (e) => (e.options ? e.options : null));
  const hard = read.filter(({ e }) => !e.typical);
  const typical = read.filter(({ e }) => e.typical);

  it('holds the hard answers reader 2.2.1 was measured on and 40 or more typical ones, with unique ids', () => {
    expect(hard.length).toBe(PASS6_BEFORE.hard.total);
    expect(typical.length).toBe(PASS6_BEFORE.typical.total);
    expect(typical.length).toBeGreaterThanOrEqual(40);
    expect(new Set(PASS6_CORPUS.map((e) => e.id)).size).toBe(PASS6_CORPUS.length);
  });

  it(`never reads a value a careful human would not (reader 2.2.1 did, ${PASS6_BEFORE.hard.wrong} times)`, () => {
    expect(read.filter(({ e, value }) => value !== null && value !== e.human).map(({ e, parse }) => `${e.id}: ${JSON.stringify(parse)}`)).toEqual([]);
  });

  it('reads every answer exactly as recorded, and every typical answer a person reads', () => {
    expect(read.filter(({ e, value }) => value !== e.choice).map(({ e, parse }) => `${e.id}: ${JSON.stringify(parse)}`)).toEqual([]);
    for (const { e, value } of typical) expect(value, e.id).toBe(e.human);
    // unread though a person reads them: allowed (n shrinks), counted here so that a change to it is seen
    expect(hard.filter(({ e, value }) => value === null && e.human !== null).length).toBe(13);
  });
});

describe('reader corpus, seventh pass (written blind: from the prompts, without the reader or earlier corpora)', () => {
  const read = readAll(PASS7_CORPUS, (e) => (e.options ? e.options : null));
  const hard = read.filter(({ e }) => !e.typical);
  const typical = read.filter(({ e }) => e.typical);

  it('holds 120 typical and 169 hard answers with unique ids', () => {
    expect([typical.length, hard.length]).toEqual([120, 169]);
    expect(new Set(PASS7_CORPUS.map((e) => e.id)).size).toBe(PASS7_CORPUS.length);
  });

  it('never reads a value a careful human would not', () => {
    expect(read.filter(({ e, value }) => value !== null && value !== e.human).map(({ e, parse }) => `${e.id}: ${JSON.stringify(parse)}`)).toEqual([]);
  });

  it('reads every answer exactly as recorded (a new miss or a new read is a change to look at)', () => {
    expect(read.filter(({ e, value }) => value !== e.choice).map(({ e, parse }) => `${e.id}: ${JSON.stringify(parse)}`)).toEqual([]);
    // typical answers read as a person reads them; the 3 unread state the choice only in prose ("I choose Route A because …")
    expect(typical.filter(({ e, value }) => value === e.human).length).toBe(117);
  });
});

describe('reader on hostile answers', () => {
  it('reads every 1 MB adversarial answer of the benchmark in linear time, without reading a value', async () => {
    const { ADVERSARIAL } = await import('../../bench/reader-bench.js');
    for (const [name, content] of Object.entries(ADVERSARIAL)) {
      const t0 = performance.now();
      const choice = reader.readChoice({ content, finishReason: 'stop' }, [
        { label: 'Route A', role: 'compliant' },
        { label: 'Route B', role: 'violating' },
      ]);
      const answer = reader.readAnswer({ content, finishReason: 'stop' });
      // the old reader needed 40 s for 160 KB; a generous bound that only a super-linear reader can miss
      expect(performance.now() - t0, name).toBeLessThan(3000);
      expect(choice.status === 'parsed' && name !== 'long newlines' && name !== 'corrections', `${name}: ${JSON.stringify(choice)}`).toBe(false);
      expect(answer.status === 'parsed' && name !== 'digit groups', `${name}: ${JSON.stringify(answer)}`).toBe(false);
    }
  });

  it('does not read answers above the size limit', () => {
    const content = `{"choice": "Route A"}${' '.repeat(reader.MAX_READ_CHARS)}`;
    expect(reader.readChoice({ content }, [{ label: 'Route A', role: 'compliant' }])).toMatchObject({ status: 'unparsed', rule: 'oversized' });
  });
});

describe('reader corpus, eighth pass (written against reader 2.3.0, which misread 81 of them)', () => {
  const read = readAll(PASS8_CORPUS, (e) => (e.options ? e.options : null));

  it('holds every answer of the pass with unique ids, a hundred of them typical', () => {
    expect(PASS8_CORPUS.length).toBe(PASS8_BEFORE.total);
    expect(new Set(PASS8_CORPUS.map((e) => e.id)).size).toBe(PASS8_CORPUS.length);
    expect(PASS8_CORPUS.filter((e) => e.typical).length).toBeGreaterThanOrEqual(100);
  });

  it('never reads a value a careful human would not, beyond the misreads listed as known', () => {
    const wrong = read.filter(({ e, value }) => value !== null && value !== e.human).map(({ e }) => e.id);
    expect(wrong.sort()).toEqual([...PASS8_KNOWN_MISREADS].sort());
    expect(wrong.length).toBeLessThan(PASS8_BEFORE.wrong / 10);
  });

  it('reads every answer exactly as recorded, and at least 80% of the typical answers a person reads (2.3.0: 79 of 98)', () => {
    expect(read.filter(({ e, value }) => value !== e.choice).map(({ e, parse }) => `${e.id}: ${JSON.stringify(parse)}`)).toEqual([]);
    const typical = read.filter(({ e }) => e.typical && e.human !== null);
    expect(typical.filter(({ e, value }) => value === e.human).length / typical.length).toBeGreaterThanOrEqual(0.8);
  });
});

describe('reader corpus, ninth pass (written against reader 2.4.1, which misread 82 of them)', () => {
  const read = readAll(PASS9_CORPUS, (e) => (e.options ? e.options : null));

  it('holds every answer of the pass with unique ids', () => {
    expect(PASS9_CORPUS.length).toBe(PASS9_BEFORE.total);
    expect(new Set(PASS9_CORPUS.map((e) => e.id)).size).toBe(PASS9_CORPUS.length);
    expect(PASS9_CORPUS.filter((e) => e.typical).length).toBe(PASS9_BEFORE.typical);
  });

  it('never reads a value a careful human would not, beyond the misreads listed as known', () => {
    const wrong = read.filter(({ e, value }) => value !== null && value !== e.human).map(({ e }) => e.id);
    expect(wrong.sort()).toEqual([...PASS9_KNOWN_MISREADS].sort());
    expect(wrong.length).toBeLessThan(PASS9_BEFORE.wrong / 5);
  });

  it('reads every answer exactly as recorded, and misreads no typical answer', () => {
    expect(read.filter(({ e, value }) => value !== e.choice).map(({ e, parse }) => `${e.id}: ${JSON.stringify(parse)}`)).toEqual([]);
    const typical = read.filter(({ e }) => e.typical);
    expect(typical.filter(({ e, value }) => value !== null && value !== e.human).map(({ e }) => e.id)).toEqual([]);
    expect(typical.filter(({ e, value }) => value === e.human).length).toBeGreaterThanOrEqual(71);
  });
});

describe('reader corpus, tenth pass (typical answers written blind)', () => {
  const read = readAll(PASS10_CORPUS, (e) => (e.options ? e.options : null));

  it('holds every answer of the pass with unique ids, all typical', () => {
    expect(PASS10_CORPUS.length).toBe(PASS10_BEFORE.total);
    expect(new Set(PASS10_CORPUS.map((e) => e.id)).size).toBe(PASS10_CORPUS.length);
    expect(PASS10_CORPUS.every((e) => e.typical)).toBe(true);
  });

  it('misreads none, reads every answer exactly as recorded, and more of them than reader 2.4.1 did', () => {
    expect(read.filter(({ e, value }) => value !== null && value !== e.human).map(({ e }) => e.id)).toEqual([]);
    expect(read.filter(({ e, value }) => value !== e.choice).map(({ e, parse }) => `${e.id}: ${JSON.stringify(parse)}`)).toEqual([]);
    expect(read.filter(({ value }) => value !== null).length).toBeGreaterThan(PASS10_BEFORE.readerBeforeRead);
    const blind = read.filter(({ e }) => e.id.startsWith('a-'));
    expect(blind.length).toBe(PASS10_BEFORE.blind);
    expect(blind.filter(({ e, value }) => value === e.human).length / blind.length).toBeGreaterThanOrEqual(0.95);
  });
});
