/**
 * Fuzz target `jpeg`: the JPEG path of data/image.ts decodeImage (marker walk and data-budget
 * checks in data/image-headers.ts, then jpeg-js). Seeds are libjpeg-turbo files (baseline 4:4:4,
 * 4:2:0, 4:2:2 with restart markers, progressive colour and gray, optimized Huffman, arithmetic:
 * test/fuzz-seeds/jpeg/) plus jpeg-js's own output. Mutations know the segment layout: frame
 * dimensions, component counts and sampling factors, the SOF type (baseline ↔ progressive ↔ others),
 * Huffman code counts and symbols, quantization tables, scan component and spectral selections,
 * restart intervals, segment lengths, and the entropy-coded data (bytes flipped, markers inserted).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import jpeg from 'jpeg-js';
import { RuntimeError } from '../../errors.js';
import { decodeImage } from '../../data/image.js';
import { INTERESTING_U16, mutateBytes, pick, randomInt, splice } from '../mutate-bytes.js';
import type { FuzzTarget, Mutation, Random } from '../target.js';

const SEED_DIR = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', '..', 'test', 'fuzz-seeds', 'jpeg');

function seeds(): Uint8Array[] {
  const files = readdirSync(SEED_DIR).filter((f) => f.endsWith('.jpg')).sort().map((f) => new Uint8Array(readFileSync(path.join(SEED_DIR, f))));
  const rgba = Uint8Array.from({ length: 12 * 9 * 4 }, (_, i) => (i * 29) & 255);
  files.push(new Uint8Array(jpeg.encode({ width: 12, height: 9, data: rgba }, 50).data));
  return files;
}

interface Segment {
  marker: number;
  /** Offset of the 0xFF of the marker. */
  at: number;
  /** Payload length including the two length bytes (0 for markers without one). */
  length: number;
}

/** Segments up to the end, with each scan's entropy-coded data as a pseudo-segment (marker 0). */
function segments(b: Uint8Array): Segment[] {
  const out: Segment[] = [];
  let i = 2;
  while (i + 1 < b.length) {
    if (b[i] !== 0xff) {
      // Entropy-coded data: up to the next marker that is not a stuffed byte or a restart.
      let j = i;
      while (j + 1 < b.length && !(b[j] === 0xff && b[j + 1] !== 0 && !(b[j + 1]! >= 0xd0 && b[j + 1]! <= 0xd7))) j++;
      out.push({ marker: 0, at: i, length: j - i });
      i = j;
      continue;
    }
    const marker = b[i + 1]!;
    if (marker === 0xd9 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0xff) {
      out.push({ marker, at: i, length: 0 });
      i += 2;
      continue;
    }
    const length = (b[i + 2]! << 8) | b[i + 3]!;
    if (i + 2 + length > b.length) break;
    out.push({ marker, at: i, length });
    i += 2 + length;
  }
  return out;
}

function setU16(out: Uint8Array, at: number, value: number): void {
  if (at + 1 < out.length) (out[at] = (value >> 8) & 255), (out[at + 1] = value & 255);
}

function mutate(input: Uint8Array, random: Random): Mutation {
  const list = segments(input);
  if (list.length === 0) return mutateBytes(input, random);
  const out = input.slice();
  const of = (marker: (m: number) => boolean): Segment | undefined => {
    const found = list.filter((s) => marker(s.marker));
    return found.length > 0 ? pick(random, found) : undefined;
  };
  const sof = of((m) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc);
  const p = (s: Segment) => s.at + 4; // first payload byte
  switch (randomInt(random, 9)) {
    case 0:
      if (!sof) break;
      setU16(out, p(sof) + 1 + 2 * randomInt(random, 2), random() < 0.6 ? pick(random, INTERESTING_U16) : ((out[p(sof) + 1]! << 8) | out[p(sof) + 2]!) + randomInt(random, 40));
      return { bytes: out, kind: 'jpeg:frame-size' };
    case 1:
      if (!sof) break;
      if (random() < 0.3) out[p(sof) + 5] = pick(random, [0, 1, 2, 3, 4, 5, 255]);
      else out[p(sof) + 7 + 3 * randomInt(random, Math.max(1, out[p(sof) + 5]!))] = randomInt(random, 256); // sampling factors
      return { bytes: out, kind: 'jpeg:frame-components' };
    case 2:
      if (!sof) break;
      out[sof.at + 1] = pick(random, [0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc9, 0xca]);
      if (random() < 0.3) out[p(sof)] = pick(random, [8, 12, 16, 0]);
      return { bytes: out, kind: 'jpeg:frame-type' };
    case 3: {
      const dht = of((m) => m === 0xc4);
      if (!dht) break;
      out[p(dht) + (random() < 0.2 ? 0 : 1 + randomInt(random, 16 + 8))] = randomInt(random, 256); // class/id, code counts, symbols
      return { bytes: out, kind: 'jpeg:huffman' };
    }
    case 4: {
      const sos = of((m) => m === 0xda);
      if (!sos) break;
      out[p(sos) + randomInt(random, Math.max(1, sos.length - 2))] = pick(random, [0, 1, 2, 3, 4, 63, 64, 0x11, 0xff, randomInt(random, 256)]);
      return { bytes: out, kind: 'jpeg:scan-header' };
    }
    case 5: {
      const dqt = of((m) => m === 0xdb);
      if (!dqt) break;
      out[p(dqt) + (random() < 0.3 ? 0 : 1 + randomInt(random, 64))] = pick(random, [0, 1, 0x10, 0x13, 255]);
      return { bytes: out, kind: 'jpeg:quantization' };
    }
    case 6: {
      const s = pick(random, list.filter((x) => x.marker !== 0 && x.length >= 2).concat(list.slice(0, 1)));
      setU16(out, s.at + 2, pick(random, [0, 1, 2, 3, s.length - 1, s.length + 1, 0xffff]));
      return { bytes: out, kind: 'jpeg:segment-length' };
    }
    case 7: {
      const data = of((m) => m === 0);
      if (!data || data.length === 0) break;
      const at = data.at + randomInt(random, data.length);
      if (random() < 0.4) return { bytes: splice(input, at, 0, Uint8Array.of(0xff, pick(random, [0xd9, 0xd0, 0xd7, 0xda, 0xc4, 0xdd, 0x00, 0xfe]))), kind: 'jpeg:insert-marker' };
      out[at] = randomInt(random, 256);
      return { bytes: out, kind: 'jpeg:entropy-data' };
    }
    default: {
      const s = pick(random, list);
      const whole = input.slice(s.at, s.at + 2 + s.length);
      return random() < 0.5 ? { bytes: splice(input, s.at, whole.length), kind: 'jpeg:drop-segment' } : { bytes: splice(input, s.at, 0, whole), kind: 'jpeg:duplicate-segment' };
    }
  }
  return mutateBytes(input, random);
}

export const jpegTarget: FuzzTarget = {
  name: 'jpeg',
  description: 'JPEG decoding (data/image.ts decodeImage: marker walk and data-budget checks, then jpeg-js)',
  seeds,
  mutate,
  run: (input) => decodeImage(input, { name: 'image.jpg', maxPixels: 1 << 20 }),
  isRefusal: (error) => error instanceof RuntimeError,
};
