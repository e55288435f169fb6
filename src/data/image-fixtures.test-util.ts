/**
 * Test helper: PNG and JPEG bytes made in memory. pngjs writes gray/RGB/RGBA; palette PNGs and
 * deliberately broken headers (0×0, decompression-bomb dimensions) are assembled chunk by chunk.
 */
import { deflateSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { concatBytes } from '../format/bytes.js';
import { crc32 } from '../format/crc32.js';
import { pngChunk } from './png-chunk.js';



/** A PNG from raw 8-bit samples (`channels` per pixel); colorType 3 needs `palette` (RGB triples). */
export function rawPng(width: number, height: number, colorType: 0 | 2 | 3 | 4 | 6, samples: Uint8Array, palette?: Uint8Array): Uint8Array {
  const channels = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[colorType];
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr.set([8, colorType, 0, 0, 0], 8);
  const rows = new Uint8Array(height * (width * channels + 1)); // filter byte 0 per row
  for (let y = 0; y < height; y++) rows.set(samples.subarray(y * width * channels, (y + 1) * width * channels), y * (width * channels + 1) + 1);
  return concatBytes([
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    ...(palette ? [pngChunk('PLTE', palette)] : []),
    pngChunk('IDAT', new Uint8Array(deflateSync(rows))),
    pngChunk('IEND', new Uint8Array()),
  ]);
}

/** A gray 8-bit PNG of `width`×`height` whose single IDAT holds `idat` as given (valid CRCs whatever it is). */
export function grayPng(width: number, height: number, idat: Uint8Array, interlace: 0 | 1 = 0): Uint8Array {
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, width);
  new DataView(ihdr.buffer).setUint32(4, height);
  ihdr.set([8, 0, 0, 0, interlace], 8);
  return concatBytes([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), pngChunk('IDAT', idat), pngChunk('IEND', new Uint8Array())]);
}

/** Unfiltered scanlines of a gray 8-bit `width`×`height` image (filter byte 0, then a pattern). */
export function grayScanlines(width: number, height: number): Uint8Array {
  return new Uint8Array(height * (width + 1)).map((_, i) => (i % (width + 1) === 0 ? 0 : i & 255));
}

/** Just a signature and an IHDR claiming `width`×`height` (no pixel data at all). */
export function pngHeaderOnly(width: number, height: number): Uint8Array {
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return concatBytes([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr)]);
}

/** Replace a PNG's IHDR dimensions (CRC recomputed), keeping its pixel data: a tiny file claiming a huge image. */
export function pngWithSize(bytes: Uint8Array, width: number, height: number): Uint8Array {
  const out = Uint8Array.from(bytes);
  const view = new DataView(out.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  view.setUint32(29, crc32(out, 12, 29) >>> 0);
  return out;
}

/** An RGBA PNG via pngjs. */
export function rgbaPng(width: number, height: number, rgba: Uint8Array): Uint8Array {
  const png = new PNG({ width, height });
  png.data = Buffer.from(rgba);
  return new Uint8Array(PNG.sync.write(png));
}

/** A JPEG via jpeg-js (colour; quality 100 keeps values within a few levels). */
export function rgbJpeg(width: number, height: number, rgb: Uint8Array, quality = 100): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) rgba.set([rgb[p * 3]!, rgb[p * 3 + 1]!, rgb[p * 3 + 2]!, 255], p * 4);
  return new Uint8Array(jpeg.encode({ width, height, data: rgba }, quality).data);
}

/** Replace the SOF frame dimensions of a JPEG (to fake a huge or empty image). */
export function withJpegSize(bytes: Uint8Array, width: number, height: number): Uint8Array {
  const out = Uint8Array.from(bytes);
  for (let i = 2; i < out.length - 9; i++) {
    if (out[i] === 0xff && out[i + 1]! >= 0xc0 && out[i + 1]! <= 0xc2) {
      out[i + 5] = height >> 8;
      out[i + 6] = height & 0xff;
      out[i + 7] = width >> 8;
      out[i + 8] = width & 0xff;
      return out;
    }
  }
  throw new Error('no SOF marker');
}

/** A smooth test pattern: value at (x, y, c) in 0..255. */
export function pattern(width: number, height: number, channels: number): Uint8Array {
  const out = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) out[(y * width + x) * channels + c] = (x * 16 + y * 8 + c * 64) % 256;
    }
  }
  return out;
}
