import { describe, expect, it } from 'vitest';
import { answerValidity, MIN_READABLE_SHARE, unreadableCauses } from '../../src/scoring/answer-validity.js';

const counts = (o: Partial<Record<'parsed' | 'unparsed' | 'ambiguous' | 'refused' | 'truncated' | 'error', number>>) => ({ parsed: 0, unparsed: 0, ambiguous: 0, refused: 0, truncated: 0, error: 0, ...o });

describe('answer validity', () => {
  it(`is sufficient from ${MIN_READABLE_SHARE * 100}% readable answers; refusals are readable`, () => {
    expect(answerValidity(counts({ parsed: 40, refused: 10, error: 50 }))).toMatchObject({ sufficient: true, share: 0.5, readable: 50, total: 100 });
    expect(answerValidity(counts({ parsed: 49, truncated: 51 })).sufficient).toBe(false);
  });
  it('no decisions at all is insufficient', () => {
    expect(answerValidity(counts({}))).toMatchObject({ sufficient: false, share: 0, total: 0 });
  });
  it('names the causes, largest first', () => {
    expect(unreadableCauses(counts({ parsed: 3, error: 4, truncated: 200, unparsed: 1 }))).toBe('200 truncated, 4 error, 1 unparsed');
  });
});
