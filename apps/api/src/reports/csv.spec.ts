import { csvCell, csvLine } from './csv';

describe('CSV cells', () => {
  it('quotes what needs quoting and leaves the rest', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a, b')).toBe('"a, b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(12.5)).toBe('12.5');
  });

  it('keeps text a spreadsheet would run as a formula as text', () => {
    for (const evil of ['=HYPERLINK("http://x")', '+1', '-2+3', '@SUM(A1)', '\tx', '\rx']) {
      expect(csvCell(evil).replace(/^"/, '')).toMatch(/^'/);
    }
    expect(csvCell('=1,2')).toBe(`"'=1,2"`);
    expect(csvLine(['a', null, 3])).toBe('a,,3\r\n');
  });
});
