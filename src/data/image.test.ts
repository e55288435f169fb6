import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { initBackend } from '../engine/backend.js';
import { convertChannels, decodeImage, encodePng, imageForModel, readImageFile, readImageHeader } from './image.js';
import { pattern, pngHeaderOnly, pngWithSize, rawPng, rgbJpeg, rgbaPng, withJpegSize } from './image-fixtures.test-util.js';

let dir: string;
beforeAll(async () => {
  await initBackend('cpu');
  dir = await mkdtemp(path.join(os.tmpdir(), 'smallnets-image-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('decoding PNG and JPEG', () => {
  it('gray 8-bit PNG stays one channel with the exact samples', () => {
    const gray = pattern(5, 3, 1);
    const image = decodeImage(rawPng(5, 3, 0, gray));
    expect(image).toMatchObject({ format: 'png', width: 5, height: 3, channels: 1 });
    expect(Array.from(image.data)).toEqual(Array.from(gray));
  });

  it('gray+alpha PNG is one channel, alpha dropped', () => {
    const ga = pattern(4, 2, 2);
    const image = decodeImage(rawPng(4, 2, 4, ga));
    expect(image.channels).toBe(1);
    expect(Array.from(image.data)).toEqual(Array.from(ga.filter((_, i) => i % 2 === 0)));
  });

  it('RGBA PNG becomes RGB with alpha dropped (as PIL convert("RGB"))', () => {
    const rgba = pattern(3, 4, 4);
    const image = decodeImage(rgbaPng(3, 4, rgba));
    expect(image).toMatchObject({ width: 3, height: 4, channels: 3 });
    expect(Array.from(image.data)).toEqual(Array.from(rgba.filter((_, i) => i % 4 !== 3)));
  });

  it('palette PNG is expanded through its palette to RGB', () => {
    const palette = new Uint8Array([255, 0, 0, 0, 255, 0, 10, 20, 30]);
    const indexes = new Uint8Array([0, 1, 2, 2, 1, 0]);
    const image = decodeImage(rawPng(3, 2, 3, indexes, palette));
    expect(image.channels).toBe(3);
    expect(Array.from(image.data)).toEqual([...indexes].flatMap((i) => [...palette.subarray(i * 3, i * 3 + 3)]));
  });

  it('JPEG decodes to RGB close to what was encoded, and its header gives the size', () => {
    const rgb = pattern(16, 8, 3);
    const bytes = rgbJpeg(16, 8, rgb);
    expect(readImageHeader(bytes)).toEqual({ format: 'jpeg', width: 16, height: 8, channels: 3 });
    const image = decodeImage(bytes);
    expect(image.data.length).toBe(16 * 8 * 3);
    const meanError = image.data.reduce((s, v, i) => s + Math.abs(v - rgb[i]!), 0) / rgb.length;
    expect(meanError).toBeLessThan(6);
  });
});

describe('bad images are refused with one line', () => {
  it('a text file is not an image', () => {
    expect(() => decodeImage(new TextEncoder().encode('hello, world'), { name: 'notes.txt' })).toThrow(/^notes\.txt is not a PNG or JPEG image$/);
  });

  it('0×0 PNG and JPEG are refused', () => {
    expect(() => decodeImage(pngHeaderOnly(0, 0))).toThrow(/empty 0×0 image/);
    expect(() => decodeImage(withJpegSize(rgbJpeg(8, 8, pattern(8, 8, 3)), 0, 0))).toThrow(/empty 0×0 image/);
  });

  it('dimensions over the pixel limit are refused from the header alone (no pixel data present)', () => {
    // A PNG of just its header claiming 100,000 × 100,000: decoding would fail differently.
    expect(() => decodeImage(pngHeaderOnly(100_000, 100_000), { name: 'bomb.png' })).toThrow(
      /^bomb\.png is 100000×100000 = 10000\.0 megapixels, over the 50-megapixel limit$/,
    );
    expect(() => decodeImage(withJpegSize(rgbJpeg(8, 8, pattern(8, 8, 3)), 60_000, 60_000))).toThrow(/3600\.0 megapixels, over the 50-megapixel limit/);
    expect(() => decodeImage(rawPng(10, 10, 0, pattern(10, 10, 1)), { maxPixels: 99 })).toThrow(/over the 0\.000099-megapixel limit/);
  });

  it('truncated JPEG and PNG files are runtime errors, not partial images', () => {
    const jpegBytes = rgbJpeg(32, 32, pattern(32, 32, 3));
    expect(() => decodeImage(jpegBytes.subarray(0, Math.floor(jpegBytes.length * 0.6)))).toThrow(/truncated JPEG/);
    expect(() => decodeImage(jpegBytes.subarray(0, 40))).toThrow(/truncated JPEG/);
    const pngBytes = rgbaPng(32, 32, pattern(32, 32, 4));
    expect(() => decodeImage(pngBytes.subarray(0, pngBytes.length - 30))).toThrow(/truncated PNG \(a chunk runs past the end of the file\)/);
    expect(() => decodeImage(pngBytes.subarray(0, 20))).toThrow(/truncated PNG/);
  });

  it('a 69-byte PNG and a 616-byte JPEG claiming 7000×7000 are refused in milliseconds, before decoding (they used to take 0.7–1.5 GB)', () => {
    const png = pngWithSize(rawPng(4, 4, 2, pattern(4, 4, 3)), 7000, 7000);
    const jpg = withJpegSize(rgbJpeg(8, 8, pattern(8, 8, 3)), 7000, 7000);
    for (const [name, bytes] of [['bomb.png', png], ['bomb.jpg', jpg]] as const) {
      const start = performance.now();
      expect(() => decodeImage(bytes, { name })).toThrow(new RegExp(`^${name.replace('.', '\\.')} claims 7000×7000 pixels but holds only \\d+ bytes of image data \\(truncated, or a decompression bomb\\)$`));
      // The message proves the header check refused it; the clock only guards against a decode (seconds), with room for a busy machine.
      expect(performance.now() - start).toBeLessThan(1000);
    }
  });

  it('a second IHDR is refused: pngjs decodes with its dimensions, which nothing checked (found by fuzzing: 227 bytes took 23 s and 3 GB)', () => {
    const png = rawPng(7, 5, 2, pattern(7, 5, 3));
    const second = pngWithSize(png, 7, 2_097_157).subarray(8, 33); // the same IHDR chunk, claiming 7×2,097,157
    const twoHeaders = Uint8Array.from([...png.subarray(0, 33), ...second, ...png.subarray(33)]);
    expect(() => decodeImage(twoHeaders)).toThrow('image is a corrupt PNG (a second IHDR chunk)');
  });

  it('a JPEG whose components are not all coded, and PNG headers with impossible fields, are refused', () => {
    const jpg = rgbJpeg(16, 16, pattern(16, 16, 3));
    // The scan's third component selector names a component the frame does not have: component 3 is never coded.
    const sos = jpg.findIndex((v, i) => v === 0xff && jpg[i + 1] === 0xda);
    const cut = Uint8Array.from(jpg);
    cut[sos + 9] = 9;
    expect(() => decodeImage(cut)).toThrow('image is a truncated JPEG (component 3 is never coded)');
    const png = Uint8Array.from(rawPng(4, 4, 2, pattern(4, 4, 3)));
    png[24] = 3; // bit depth 3 does not exist
    expect(() => decodeImage(png)).toThrow('is a corrupt PNG (colour type 2 with bit depth 3)');
  });

  it('missing files name the path', async () => {
    await expect(readImageFile(path.join(dir, 'nope.png'))).rejects.toThrow(/cannot read image .*nope\.png: no such file/);
  });
});

describe('image → model input', () => {
  it('luminance uses the ITU-R 601-2 weights, gray replicates to RGB', () => {
    const rgb = { format: 'png' as const, width: 3, height: 1, channels: 3 as const, data: new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255]) };
    expect(Array.from(convertChannels(rgb, 1))).toEqual([76, 150, 29]);
    const gray = { format: 'png' as const, width: 2, height: 1, channels: 1 as const, data: new Uint8Array([7, 200]) };
    expect(Array.from(convertChannels(gray, 3))).toEqual([7, 7, 7, 200, 200, 200]);
  });

  it('files are read and resized bilinearly to the model input', async () => {
    const file = path.join(dir, 'flat.png');
    await writeFile(file, rgbaPng(40, 30, new Uint8Array(40 * 30 * 4).fill(100)));
    const image = await readImageFile(file);
    const x = imageForModel(image, 28, 28, 1);
    expect(x.shape).toEqual([28, 28, 1]);
    const values = x.dataSync();
    expect(Math.min(...values)).toBeCloseTo(100, 4);
    expect(Math.max(...values)).toBeCloseTo(100, 4);
    x.dispose();
  });

  it('downscaling by 2 averages neighbouring pixels', () => {
    const image = { format: 'png' as const, width: 4, height: 1, channels: 1 as const, data: new Uint8Array([0, 100, 200, 40]) };
    const x = imageForModel(image, 1, 2, 1);
    expect(Array.from(x.dataSync())).toEqual([50, 120]);
    x.dispose();
  });
});

describe('encodePng', () => {
  it('gray and RGB pixels round-trip exactly through decodeImage; a size mismatch is refused', () => {
    for (const channels of [1, 3] as const) {
      const data = Uint8Array.from({ length: 7 * 5 * channels }, (_, i) => (i * 37) % 256);
      const back = decodeImage(encodePng({ width: 7, height: 5, channels, data }));
      expect([back.format, back.width, back.height, back.channels]).toEqual(['png', 7, 5, channels]);
      expect(Array.from(back.data)).toEqual(Array.from(data));
    }
    expect(() => encodePng({ width: 7, height: 5, channels: 1, data: new Uint8Array(3) })).toThrow(/3 samples do not make a 7×5 image/);
  });
});

describe('digit polarity', () => {
  it('a light border means dark ink on paper: digitImage inverts it to MNIST white-on-black', async () => {
    const { digitImage, hasLightBackground } = await import('./image.js');
    const dark = new Uint8Array(25).fill(0);
    dark[12] = 255;
    expect(hasLightBackground(dark, 5, 5)).toBe(false);
    const paper = dark.map((v) => 255 - v);
    expect(hasLightBackground(paper, 5, 5)).toBe(true);
    const r = digitImage({ format: 'png', width: 5, height: 5, channels: 1, data: paper });
    expect(r.inverted).toBe(true);
    expect(Array.from(r.image.data)).toEqual(Array.from(dark));
    expect(digitImage({ format: 'png', width: 5, height: 5, channels: 1, data: dark }).inverted).toBe(false);
  });
});
