/**
 * Fuzz target `png`: the PNG path of data/image.ts decodeImage (header and data-budget checks in
 * data/image-headers.ts, then pngjs). Seeds cover every colour type and bit depth PNG allows, with
 * and without Adam7 interlacing, written by a small encoder here. Mutations know the chunk layout:
 * IHDR fields, chunk lengths, chunk order and duplicates, and the *decompressed* scanlines (inflated,
 * changed — filter bytes, lengths — and deflated again, so pngjs's unfilter code sees them);
 * `finish` recomputes the CRCs most of the time so the mutations get past pngjs's CRC check.
 */
import { unzlibSync, zlibSync } from 'fflate';
import { RuntimeError } from '../../errors.js';
import { concatBytes } from '../../format/bytes.js';
import { crc32 } from '../../format/crc32.js';
import { decodeImage } from '../../data/image.js';
import { pngChunk } from '../../data/png-chunk.js';
import { INTERESTING_U32, mutateBytes, pick, randomInt, splice } from '../mutate-bytes.js';
import type { FuzzTarget, Mutation, Random } from '../target.js';

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
const SAMPLES: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
/** Adam7 passes: x0, y0, dx, dy. */
const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]] as const;


/** Scanlines of one (sub)image, each with filter type `row % 5` applied (so unfiltering is exercised). */
function scanlines(width: number, height: number, depth: number, samples: number, value: (x: number, y: number, c: number) => number, at: (x: number, y: number) => [number, number]): Uint8Array {
  const bpp = Math.max(1, (depth * samples) >> 3);
  const rowBytes = Math.ceil((width * samples * depth) / 8);
  const out = new Uint8Array(height * (rowBytes + 1));
  let previous = new Uint8Array(rowBytes);
  for (let y = 0; y < height; y++) {
    const raw = new Uint8Array(rowBytes);
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < samples; c++) {
        const [px, py] = at(x, y);
        const v = value(px, py, c) & ((1 << depth) - 1);
        const bit = (x * samples + c) * depth;
        if (depth === 16) (raw[bit >> 3] = v >> 8), (raw[(bit >> 3) + 1] = v & 255);
        else if (depth === 8) raw[bit >> 3] = v;
        else raw[bit >> 3]! |= v << (8 - depth - (bit & 7));
      }
    }
    const filter = y % 5;
    const row = out.subarray(y * (rowBytes + 1), (y + 1) * (rowBytes + 1));
    row[0] = filter;
    for (let i = 0; i < rowBytes; i++) {
      const a = i >= bpp ? raw[i - bpp]! : 0;
      const b = previous[i]!;
      const c = i >= bpp ? previous[i - bpp]! : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter]!;
      row[i + 1] = (raw[i]! - predictor) & 255;
    }
    previous = raw;
  }
  return out;
}

function encodePng(width: number, height: number, colorType: number, depth: number, interlace: boolean): Uint8Array {
  const samples = SAMPLES[colorType]!;
  const value = (x: number, y: number, c: number) => (x * 37 + y * 101 + c * 59) % (colorType === 3 ? Math.min(1 << depth, 6) : 1 << depth);
  const passes = interlace ? ADAM7 : ([[0, 0, 1, 1]] as const);
  const data = concatBytes(passes.map(([x0, y0, dx, dy]) => {
    const w = Math.max(0, Math.ceil((width - x0) / dx));
    const h = Math.max(0, Math.ceil((height - y0) / dy));
    return w === 0 || h === 0 ? new Uint8Array() : scanlines(w, h, depth, samples, value, (x, y) => [x0 + x * dx, y0 + y * dy]);
  }));
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, width);
  new DataView(ihdr.buffer).setUint32(4, height);
  ihdr.set([depth, colorType, 0, 0, interlace ? 1 : 0], 8);
  const palette = Uint8Array.from({ length: 18 }, (_, i) => (i * 47) & 255);
  return concatBytes([
    SIGNATURE,
    pngChunk('IHDR', ihdr),
    ...(colorType === 3 ? [pngChunk('PLTE', palette), pngChunk('tRNS', Uint8Array.of(0, 128))] : []),
    pngChunk('IDAT', zlibSync(data)),
    pngChunk('IEND', new Uint8Array()),
  ]);
}

function seeds(): Uint8Array[] {
  const out: Uint8Array[] = [];
  const depths: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
  for (const [type, list] of Object.entries(depths)) {
    for (const depth of list) out.push(encodePng(7, 5, Number(type), depth, false));
  }
  out.push(encodePng(9, 9, 2, 8, true), encodePng(10, 3, 0, 4, true), encodePng(5, 11, 6, 16, true), encodePng(1, 1, 3, 1, true));
  return out;
}

interface Chunk {
  at: number;
  length: number;
  type: string;
}

function chunks(b: Uint8Array): Chunk[] {
  const out: Chunk[] = [];
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let at = 8; at + 12 <= b.length; ) {
    const length = view.getUint32(at);
    if (at + 12 + length > b.length) break;
    out.push({ at, length, type: String.fromCharCode(...b.subarray(at + 4, at + 8)) });
    at += 12 + length;
  }
  return out;
}

function mutate(input: Uint8Array, random: Random): Mutation {
  const list = chunks(input);
  if (list.length === 0) return mutateBytes(input, random);
  const c = pick(random, list);
  const out = input.slice();
  const view = new DataView(out.buffer);
  switch (randomInt(random, 7)) {
    case 0: {
      const ihdr = list.find((x) => x.type === 'IHDR');
      if (!ihdr) return mutateBytes(input, random);
      const field = randomInt(random, 4);
      if (field < 2) view.setUint32(ihdr.at + 8 + 4 * field, random() < 0.5 ? pick(random, INTERESTING_U32) >>> 0 : view.getUint32(ihdr.at + 8 + 4 * field) + randomInt(random, 64));
      else out[ihdr.at + 8 + 8 + randomInt(random, 5)] = pick(random, [0, 1, 2, 3, 4, 5, 6, 7, 8, 16, 255]);
      return { bytes: out, kind: 'png:ihdr' };
    }
    case 1:
      view.setUint32(c.at, pick(random, INTERESTING_U32) >>> 0);
      return { bytes: out, kind: 'png:chunk-length' };
    case 2:
      return { bytes: splice(input, c.at, c.length + 12), kind: 'png:drop-chunk' };
    case 3:
      return { bytes: splice(input, c.at, 0, input.slice(c.at, c.at + c.length + 12)), kind: 'png:duplicate-chunk' };
    case 4: {
      const type = pick(random, ['PLTE', 'tRNS', 'IDAT', 'IEND', 'gAMA', 'iCCP', 'zTXt', 'aBcD', 'IHDR']);
      return { bytes: splice(input, c.at, 0, pngChunk(type, Uint8Array.from({ length: randomInt(random, 40) }, () => randomInt(random, 256)))), kind: 'png:insert-chunk' };
    }
    case 5: {
      // Change the scanlines themselves and deflate them again.
      const idat = list.find((x) => x.type === 'IDAT');
      if (!idat) return mutateBytes(input, random);
      let raw: Uint8Array;
      try {
        // fflate, not node:zlib: Node's synchronous inflate leaks on every corrupt stream.
        raw = unzlibSync(input.subarray(idat.at + 8, idat.at + 8 + idat.length));
      } catch {
        return mutateBytes(input, random);
      }
      const changed = mutateBytes(raw, random);
      return { bytes: splice(input, idat.at, idat.length + 12, pngChunk('IDAT', zlibSync(changed.bytes))), kind: `png:scanlines-${changed.kind}` };
    }
    default: {
      const data = mutateBytes(input.slice(c.at + 8, c.at + 8 + c.length), random);
      return { bytes: splice(input, c.at, c.length + 12, pngChunk(c.type, data.bytes)), kind: `png:chunk-data-${data.kind}` };
    }
  }
}

/** Recompute every chunk's CRC (most of the time), so mutations get past the CRC check. */
function finish(input: Uint8Array, random: Random): Uint8Array {
  if (random() < 0.2) return input;
  const out = input.slice();
  const view = new DataView(out.buffer);
  for (const c of chunks(out)) view.setUint32(c.at + 8 + c.length, crc32(out, c.at + 4, c.at + 8 + c.length) >>> 0);
  return out;
}

export const pngTarget: FuzzTarget = {
  name: 'png',
  description: 'PNG decoding (data/image.ts decodeImage: header and data-budget checks, then pngjs)',
  seeds,
  mutate,
  finish,
  run: (input) => decodeImage(input, { name: 'image.png', maxPixels: 1 << 20 }),
  isRefusal: (error) => error instanceof RuntimeError,
};
