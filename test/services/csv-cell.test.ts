import { describe, expect, it } from 'vitest';
import { csvCell } from '../../src/services/transcript-export.js';

describe('csvCell', () => {
  it('defuses text a spreadsheet would run as a formula', () => {
    for (const s of ['=HYPERLINK("http://x")', '+1+cmd', "-2+3+cmd|' /C calc'!A0", '@SUM(A1)', '\tx', '-1)']) {
      expect(csvCell(s).replace(/^"/, '').startsWith("'"), s).toBe(true);
    }
  });

  it('leaves numbers and id-shaped text alone, so values still join with the API', () => {
    expect(csvCell(-0.5)).toBe('-0.5');
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell('-x7Q_k2')).toBe('-x7Q_k2');
    expect(csvCell('ep-3')).toBe('ep-3');
  });

  it('quotes per RFC 4180', () => {
    expect(csvCell('a,"b"\nc')).toBe('"a,""b""\nc"');
    expect(csvCell(null)).toBe('');
    expect(csvCell({ a: 1 })).toBe('"{""a"":1}"');
  });
});
