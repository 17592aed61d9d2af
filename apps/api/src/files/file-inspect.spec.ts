import { LIMITS } from '@parley/contracts';
import { safeFileName } from './file-inspect';

describe('safeFileName', () => {
  it('keeps a name whose ending is its type', () => {
    expect(safeFileName('Screenshot 2026-12-01.png', 'png')).toBe('Screenshot 2026-12-01.png');
    expect(safeFileName('photo.JPG', 'jpeg')).toBe('photo.JPG');
  });

  it("gives a name another type's ending the real one, so a saved file never opens as something else", () => {
    expect(safeFileName('page.html', 'txt')).toBe('page.html.txt');
    expect(safeFileName('invoice.exe', 'pdf')).toBe('invoice.exe.pdf');
  });

  it('drops paths, controls, direction overrides and leading dots', () => {
    expect(safeFileName('C:\\Users\\v\\..\\evil.pdf', 'pdf')).toBe('evil.pdf');
    expect(safeFileName('../../etc/passwd', 'txt')).toBe('passwd.txt');
    expect(safeFileName('invoice\u202Efdp.exe', 'pdf')).toBe('invoicefdp.exe.pdf');
    expect(safeFileName('a\u0000b\nc.txt', 'txt')).toBe('abc.txt');
    expect(safeFileName('.hidden', 'txt')).toBe('hidden.txt');
    expect(safeFileName('', 'png')).toBe('file.png');
  });

  it('cuts a long name to the limit, keeping the ending and whole characters', () => {
    const name = safeFileName(`${'😀'.repeat(300)}.png`, 'png');
    expect(Array.from(name)).toHaveLength(LIMITS.fileNameMax);
    expect(name.endsWith('😀.png')).toBe(true);
  });
});
