import { describe, expect, it } from 'vitest';
import { RuntimeError, UsageError, printable } from './errors.js';

describe('error messages are one printable line', () => {
  it('control characters in names become escapes: no second line, no terminal escape', () => {
    const name = 'data/cat/a\r\nb\u001b[2J.png';
    const error = new RuntimeError(`${name} is not a PNG or JPEG image`);
    expect(error.message).toBe('data/cat/a\\r\\nb\\u001b[2J.png is not a PNG or JPEG image');
    expect(new UsageError(`\`out\` x\ty exists`, { option: 'out' }).message).toBe('`out` x\\ty exists');
    expect(printable('plain ünïcode, quotes "x" and 7×7 stay as they are')).toBe('plain ünïcode, quotes "x" and 7×7 stay as they are');
    expect(printable('line\u2028separator')).toBe('line\\u2028separator');
  });
});
