import { describe, expect, it } from 'vitest';
import { zlibSync } from 'fflate';
import { decodeImage } from './image.js';
import { grayPng, grayScanlines } from './image-fixtures.test-util.js';

const png = grayPng;
const scanlines = grayScanlines;

describe('a PNG\'s image data is inflated and checked before pngjs sees it', () => {
  it('a valid stream decodes', () => {
    expect(decodeImage(png(5, 3, zlibSync(scanlines(5, 3)))).data).toHaveLength(15);
  });

  it('an interlaced 1×1 image whose data inflates to 10 MB is refused as a bomb (pngjs inflates interlaced data without a limit)', () => {
    expect(() => decodeImage(png(1, 1, zlibSync(new Uint8Array(10_000_000)), 1), { name: 'bomb.png' })).toThrow(
      "bomb.png's image data inflates to more than the 2 bytes its size needs (a decompression bomb)",
    );
  });

  it('too little data, a broken stream and a wrong checksum are each refused in one line', () => {
    expect(() => decodeImage(png(5, 3, zlibSync(scanlines(5, 2))))).toThrow('its image data inflates to 12 bytes, not the 18 its size needs');
    const stream = zlibSync(scanlines(5, 3));
    expect(() => decodeImage(png(5, 3, stream.subarray(0, stream.length - 6)))).toThrow(/is a corrupt PNG \(its image data does not inflate: /);
    const badSum = stream.slice();
    badSum[badSum.length - 1] ^= 1;
    expect(() => decodeImage(png(5, 3, badSum))).toThrow('the checksum of its image data does not match');
  });

  it('a corrupt stream is refused every time (pngjs alone accepted some of 2,000 decodes of the same bytes: it reads unset memory)', () => {
    const badHeader = zlibSync(scanlines(64, 64));
    badHeader[0] = 0; // not a zlib header
    const files = [png(64, 64, badHeader, 1), png(64, 64, badHeader, 0)];
    let accepted = 0;
    for (let i = 0; i < 2000; i++) {
      try {
        decodeImage(files[i % 2]!);
        accepted++;
      } catch (error) {
        expect((error as Error).message).toMatch(/^image is a corrupt PNG \(its image data does not inflate: /);
      }
    }
    expect(accepted).toBe(0);
  });
});
