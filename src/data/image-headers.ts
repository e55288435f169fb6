/**
 * What a PNG or JPEG claims, read from its structure without decoding a pixel, and the checks that
 * let a decoder run only on files that can be what they claim:
 *
 * - the dimensions (PNG IHDR, JPEG SOF) against a pixel limit;
 * - the compressed pixel data against the dimensions. DEFLATE expands at most ~1032:1, so a PNG
 *   whose IDAT bytes cannot hold its declared pixels is refused; a JPEG scan spends at least one bit
 *   per 8×8 block of each component it codes (the DC difference's Huffman code), and every component
 *   must be coded, so a JPEG whose scans cannot hold its declared blocks is refused. Before these
 *   checks a 69-byte PNG decoded to a blank 7000×7000 image (730 MB, 2.5 s) and a 616-byte JPEG
 *   claiming 7000×7000 took 1.5 GB and 9 s to fail.
 *
 * The walks are bounded by the file: every segment length is checked against the bytes left.
 */
import { RuntimeError } from '../errors.js';

export type ImageFormat = 'png' | 'jpeg';

export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
  /** Colour channels stored: 1 for gray (with or without alpha), 3 for colour or palette. */
  channels: 1 | 3;
}

/** Most pixels DEFLATE can expand one compressed byte into, rounded up (zlib's limit is 1032:1). */
export const DEFLATE_MAX_RATIO = 1040;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Bit depths PNG allows per colour type (PNG spec 11.2.2). */
const PNG_DEPTHS: Readonly<Record<number, readonly number[]>> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
const PNG_SAMPLES: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

function u16(b: Uint8Array, at: number): number {
  return (b[at]! << 8) | b[at + 1]!;
}

function u32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) >>> 0) + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!);
}

export function isPng(b: Uint8Array): boolean {
  return b.length >= 8 && PNG_SIGNATURE.every((v, i) => b[i] === v);
}

export function isJpeg(b: Uint8Array): boolean {
  return b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
}

interface PngFacts {
  header: ImageHeader;
  bitDepth: number;
  colorType: number;
  interlaced: boolean;
}

function pngFacts(b: Uint8Array, name: string): PngFacts {
  if (b.length < 33) throw new RuntimeError(`${name} is a truncated PNG (no complete IHDR header)`);
  if (u32(b, 8) !== 13 || String.fromCharCode(...b.subarray(12, 16)) !== 'IHDR') throw new RuntimeError(`${name} is a corrupt PNG (first chunk is not IHDR)`);
  const bitDepth = b[24]!;
  const colorType = b[25]!;
  if (!PNG_DEPTHS[colorType]?.includes(bitDepth)) throw new RuntimeError(`${name} is a corrupt PNG (colour type ${colorType} with bit depth ${bitDepth})`);
  if (b[26] !== 0 || b[27] !== 0 || b[28]! > 1) throw new RuntimeError(`${name} is a corrupt PNG (unknown compression, filter or interlace method)`);
  const channels = colorType === 0 || colorType === 4 ? 1 : 3;
  return { header: { format: 'png', width: u32(b, 16), height: u32(b, 20), channels }, bitDepth, colorType, interlaced: b[28] === 1 };
}

/**
 * Total IDAT bytes, walking the chunks to IEND; every chunk must fit in the file, and there is one
 * IHDR (pngjs would decode with the dimensions of a second one, which nothing checked).
 */
function pngData(b: Uint8Array, name: string): Uint8Array[] {
  let at = 8;
  const idat: Uint8Array[] = [];
  while (at + 12 <= b.length) {
    const length = u32(b, at);
    if (length > b.length - at - 12) throw new RuntimeError(`${name} is a truncated PNG (a chunk runs past the end of the file)`);
    const type = String.fromCharCode(...b.subarray(at + 4, at + 8));
    if (type === 'IHDR' && at !== 8) throw new RuntimeError(`${name} is a corrupt PNG (a second IHDR chunk)`);
    if (type === 'IDAT') idat.push(b.subarray(at + 8, at + 8 + length));
    if (type === 'IEND') return idat;
    at += 12 + length;
  }
  throw new RuntimeError(`${name} is a truncated PNG (no IEND chunk)`);
}

/** Adam7 passes: first column and row, column and row steps. */
const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]] as const;

/** The filtered scanlines the image's data must inflate to, pass by pass (each row: a filter byte, then its pixels). */
function pngScanlines(facts: PngFacts): Array<{ rows: number; bytes: number }> {
  const { width, height } = facts.header;
  const bits = PNG_SAMPLES[facts.colorType]! * facts.bitDepth;
  const pass = (w: number, h: number) => ({ rows: w === 0 ? 0 : h, bytes: 1 + Math.ceil((w * bits) / 8) });
  if (!facts.interlaced) return [pass(width, height)];
  return ADAM7.map(([x0, y0, dx, dy]) => pass(Math.max(0, Math.ceil((width - x0) / dx)), Math.max(0, Math.ceil((height - y0) / dy))));
}

/** JPEG start-of-frame markers (SOF0–SOF15 except DHT C4, JPG C8 and DAC CC). */
function isSof(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

interface JpegComponent {
  id: number;
  h: number;
  v: number;
}

interface JpegScan {
  components: number[];
  /** First coefficient of the spectral selection: 0 when the scan codes DC. */
  spectralStart: number;
  /** Entropy-coded bytes up to the next marker. */
  bytes: number;
}

interface JpegFacts {
  header: ImageHeader;
  components: JpegComponent[];
  scans: JpegScan[];
  /** Where the first scan's entropy-coded data starts. */
  scanAt: number;
  /** Whether an end-of-image marker follows the scans. */
  complete: boolean;
}

/** Where the entropy-coded data starting at `at` ends: the first marker other than a stuffed FF00 or RSTn. */
function entropyEnd(b: Uint8Array, at: number): number {
  for (let i = at; i + 1 < b.length; i++) {
    if (b[i] !== 0xff) continue;
    const next = b[i + 1]!;
    if (next !== 0x00 && !(next >= 0xd0 && next <= 0xd7) && next !== 0xff) return i;
  }
  return b.length;
}

function frameComponents(b: Uint8Array, at: number, length: number, name: string): JpegComponent[] {
  const count = b[at + 7]!;
  if (count === 0 || length < 8 + 3 * count) throw new RuntimeError(`${name} is a corrupt JPEG (short frame header)`);
  const components: JpegComponent[] = [];
  for (let k = 0; k < count; k++) {
    const o = at + 8 + 3 * k;
    const h = b[o + 1]! >> 4;
    const v = b[o + 1]! & 15;
    if (h < 1 || h > 4 || v < 1 || v > 4) throw new RuntimeError(`${name} is a corrupt JPEG (sampling factor ${h}×${v})`);
    components.push({ id: b[o]!, h, v });
  }
  return components;
}

/** Walk the marker segments and scans of a JPEG (tolerating fill bytes and garbage between segments, as decoders do). */
function jpegFacts(b: Uint8Array, name: string): JpegFacts {
  let header: ImageHeader | undefined;
  let components: JpegComponent[] = [];
  const scans: JpegScan[] = [];
  let scanAt = -1;
  let i = 2;
  for (;;) {
    while (i < b.length && b[i] !== 0xff) i++;
    while (i < b.length && b[i] === 0xff) i++;
    if (i >= b.length) break;
    const marker = b[i]!;
    i++;
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) continue; // no length
    if (marker === 0xd9) return finish(true);
    if (i + 2 > b.length) break;
    const length = u16(b, i);
    if (length < 2 || i + length > b.length) break;
    if (isSof(marker)) {
      if (header) throw new RuntimeError(`${name} is a corrupt JPEG (two frame headers)`);
      if (length < 8) throw new RuntimeError(`${name} is a corrupt JPEG (short frame header)`);
      components = frameComponents(b, i, length, name);
      header = { format: 'jpeg', height: u16(b, i + 3), width: u16(b, i + 5), channels: components.length === 1 ? 1 : 3 };
    }
    if (marker === 0xda) {
      if (header === undefined) throw new RuntimeError(`${name} is a corrupt JPEG (scan before frame header)`);
      const count = b[i + 2] ?? 0;
      if (length < 6 + 2 * count) throw new RuntimeError(`${name} is a corrupt JPEG (short scan header)`);
      const ids = Array.from({ length: count }, (_, k) => b[i + 3 + 2 * k]!);
      const start = i + length;
      const end = entropyEnd(b, start);
      if (scanAt < 0) scanAt = start;
      scans.push({ components: ids, spectralStart: b[i + 3 + 2 * count]!, bytes: end - start });
      i = end;
      continue;
    }
    i += length;
  }
  return finish(false);

  function finish(complete: boolean): JpegFacts {
    if (header === undefined) throw new RuntimeError(`${name} is a truncated JPEG (no frame header)`);
    if (scans.length === 0) throw new RuntimeError(`${name} is a truncated JPEG (no image data)`);
    return { header, components, scans, scanAt, complete };
  }
}

/**
 * Format, dimensions and channels from the first bytes of a PNG or JPEG, without decoding pixels.
 *
 * @example
 * readImageHeader(await readFile('cat.jpg')); // { format: 'jpeg', width: 640, height: 480, channels: 3 }
 */
export function readImageHeader(bytes: Uint8Array, name = 'image'): ImageHeader {
  if (isPng(bytes)) return pngFacts(bytes, name).header;
  if (isJpeg(bytes)) return jpegFacts(bytes, name).header;
  throw new RuntimeError(`${name} is not a PNG or JPEG image`);
}

/** Refuse empty images and images over the pixel limit. */
export function checkDimensions(header: ImageHeader, maxPixels: number, name: string): void {
  const { width, height } = header;
  if (width === 0 || height === 0) throw new RuntimeError(`${name} is an empty ${width}×${height} image`);
  if (width * height > maxPixels) {
    throw new RuntimeError(
      `${name} is ${width}×${height} = ${((width * height) / 1e6).toFixed(1)} megapixels, over the ${maxPixels / 1e6}-megapixel limit`,
    );
  }
}

function tooLittleData(name: string, header: ImageHeader, bytes: number): RuntimeError {
  return new RuntimeError(`${name} claims ${header.width}×${header.height} pixels but holds only ${bytes} bytes of image data (truncated, or a decompression bomb)`);
}

/** PNG: the IDAT bytes, at DEFLATE's largest ratio, must reach the declared pixel bits. */
function checkPngData(bytes: Uint8Array, facts: PngFacts, name: string): PngStream {
  const { width, height } = facts.header;
  const pixelBytes = (width * height * PNG_SAMPLES[facts.colorType]! * facts.bitDepth) / 8;
  const chunks = pngData(bytes, name);
  const data = chunks.reduce((sum, c) => sum + c.length, 0);
  if (data * DEFLATE_MAX_RATIO + 1024 < pixelBytes) throw tooLittleData(name, facts.header, data);
  return { chunks, scanlines: pngScanlines(facts) };
}

/** JPEG: every component coded, and each DC scan long enough for one bit per block it codes. */
function checkJpegData(facts: JpegFacts, name: string): void {
  const { width, height } = facts.header;
  const hMax = Math.max(...facts.components.map((c) => c.h));
  const vMax = Math.max(...facts.components.map((c) => c.v));
  const blocks = (c: JpegComponent): number => Math.ceil(Math.ceil((width * c.h) / hMax) / 8) * Math.ceil(Math.ceil((height * c.v) / vMax) / 8);
  for (const c of facts.components) {
    if (!facts.scans.some((s) => s.spectralStart === 0 && s.components.includes(c.id))) {
      throw new RuntimeError(`${name} is a truncated JPEG (component ${c.id} is never coded)`);
    }
  }
  for (const scan of facts.scans) {
    if (scan.spectralStart !== 0) continue;
    const needed = facts.components.filter((c) => scan.components.includes(c.id)).reduce((sum, c) => sum + blocks(c), 0);
    if (scan.bytes * 8 < needed) throw tooLittleData(name, facts.header, scan.bytes);
  }
}

/** A PNG's compressed image data (its IDAT chunks, in order) and the scanlines it must inflate to. */
export interface PngStream {
  chunks: Uint8Array[];
  /** Per pass (one, or Adam7's seven): rows, and bytes per row with its filter byte. */
  scanlines: Array<{ rows: number; bytes: number }>;
}

/** The checked facts a decoder needs: the header; for a JPEG whether it ends; for a PNG its stream. */
export interface CheckedImage {
  header: ImageHeader;
  jpegComplete: boolean;
  png: PngStream | null;
}

/**
 * Header, pixel limit and data budget of a PNG or JPEG, all checked before any pixel is decoded.
 * @example
 * const { header } = checkImage(bytes, 50_000_000, 'cat.png');
 */
export function checkImage(bytes: Uint8Array, maxPixels: number, name: string): CheckedImage {
  if (isPng(bytes)) {
    const facts = pngFacts(bytes, name);
    checkDimensions(facts.header, maxPixels, name);
    return { header: facts.header, jpegComplete: false, png: checkPngData(bytes, facts, name) };
  }
  if (isJpeg(bytes)) {
    const facts = jpegFacts(bytes, name);
    checkDimensions(facts.header, maxPixels, name);
    checkJpegData(facts, name);
    return { header: facts.header, jpegComplete: facts.complete, png: null };
  }
  throw new RuntimeError(`${name} is not a PNG or JPEG image`);
}
