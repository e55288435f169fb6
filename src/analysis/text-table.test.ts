import { describe, expect, it } from 'vitest';
import { DEFAULT_TABLE_WIDTH, formatCell, renderTable } from './text-table.js';

const width = (text: string) => Math.max(...text.split('\n').map((l) => [...l].length));

describe('renderTable', () => {
  it('integers get thousands separators and number columns align right', () => {
    const text = renderTable(['layer', 'params'], [['conv1', 500], ['fc1', 400_500]]);
    const lines = text.split('\n');
    expect(text).toContain('400,500');
    // Right-aligned: the two numbers end in the same column.
    const end = (s: string) => lines.find((l) => l.includes(s))!.indexOf(s) + s.length;
    expect(end(' 500')).toBe(end('400,500'));
  });

  it('strings that read as numbers ("98.70", "12.3×", "–") align right too', () => {
    const lines = renderTable(['variant', 'acc %', 'ratio'], [['a', '98.70', '12.3×'], ['bb', '9.10', '–']]).split('\n');
    const row = lines.find((l) => l.includes('9.10'))!;
    expect(row).toMatch(/\s9\.10 │\s+– │$/);
  });

  it('no separator between rows: one rule under the header only', () => {
    const lines = renderTable(['a', 'b'], [['x', 1], ['y', 2], ['z', 3]]).split('\n');
    expect(lines).toHaveLength(7); // top, head, rule, 3 rows, bottom
    expect(lines.filter((l) => l.startsWith('├'))).toHaveLength(1);
  });

  it('wide text columns wrap to fit 120 columns; numbers never wrap', () => {
    const long = 'a long explanation of what this variant did and why, '.repeat(4);
    const text = renderTable(['variant', 'params', 'detail'], [['LeNet-5 with a rather long name', 431_080, long]]);
    expect(width(text)).toBeLessThanOrEqual(DEFAULT_TABLE_WIDTH);
    expect(text).toContain('431,080');
  });

  it('a footnote column moves below the table as numbered notes', () => {
    const text = renderTable(['variant', 'bytes', { header: 'notes', footnote: true }], [['dense', 1_000, ''], ['pruned', 100, 'global 92%']]);
    expect(text).not.toContain('│ notes');
    expect(text).toContain('pruned [1]');
    expect(text.split('\n').pop()).toBe('[1] global 92%');
  });

  it('notes below the table wrap at 120 columns too', () => {
    const note = 'word '.repeat(60).trim();
    const text = renderTable(['a'], [['x']], { notes: [note] });
    expect(width(text)).toBeLessThanOrEqual(DEFAULT_TABLE_WIDTH);
    expect(text.replace(/\s+/g, ' ')).toContain(note);
  });

  it('markdown: GitHub table with right-aligned number columns and notes after it', () => {
    const text = renderTable(['layer', 'params'], [['a|b', 1234]], { format: 'markdown', notes: ['n'] });
    expect(text).toBe('| layer | params |\n|---|---:|\n| a\\|b | 1,234 |\nn');
  });

  it('csv: raw numbers, quoted text, footnotes stay a column, notes dropped', () => {
    const text = renderTable(['layer', 'params', { header: 'notes', footnote: true }], [['conv, 1', 1234.5, 'x'], ['fc', null, '']], { format: 'csv', notes: ['gone'] });
    expect(text).toBe('layer,params,notes\n"conv, 1",1234.5,x\nfc,,');
  });

  it('formatCell: digits, missing values, large and small non-integers', () => {
    expect(formatCell(98.7, { header: '', digits: 2 })).toBe('98.70');
    expect(formatCell(null)).toBe('–');
    expect(formatCell(1234.56)).toBe('1,234.6');
    expect(formatCell(0.012345)).toBe('0.01235');
  });
});
