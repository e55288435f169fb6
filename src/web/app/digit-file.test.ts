import { describe, expect, it } from 'vitest';
import { decodeDigits, encodeDigits } from './digit-file.js';

describe('digit files', () => {
  it('round-trip labels and pixels at 1/255 precision', () => {
    const images = Float32Array.from({ length: 2 * 784 }, (_, i) => (i % 256) / 255);
    const decoded = decodeDigits(encodeDigits({ count: 2, labels: Uint8Array.from([3, 7]), images }));
    expect(decoded.count).toBe(2);
    expect(Array.from(decoded.labels)).toEqual([3, 7]);
    decoded.images.forEach((v, i) => expect(v).toBeCloseTo(images[i]!, 6));
  });

  it('refuses a file whose length does not match its count, or with no header', () => {
    const bytes = encodeDigits({ count: 1, labels: Uint8Array.from([1]), images: new Float32Array(784) });
    expect(() => decodeDigits(bytes.subarray(0, bytes.length - 1))).toThrow(/not the 793/);
    const lying = bytes.slice();
    lying[4] = 200; // claims 200 digits
    expect(() => decodeDigits(lying)).toThrow(/digit file holds/);
    expect(() => decodeDigits(new Uint8Array(3))).toThrow(/no SNDG header/);
  });
});
