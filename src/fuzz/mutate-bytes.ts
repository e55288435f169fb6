/**
 * Generic byte-level mutations every target gets besides its structure-aware ones (libFuzzer's
 * classic set): bit flips, byte overwrites, truncation, insertion, deletion, duplication of a run,
 * and "interesting" 16/32-bit values written in either byte order over what may be a size field.
 */
import type { Mutation, Random } from './target.js';

/** Values that break size arithmetic: zero, one, signs, powers of two and their neighbours. */
export const INTERESTING_U32 = [0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe, 1e9, 500_000, 7000];
export const INTERESTING_U16 = [0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 7000, 65500];

export const randomInt = (random: Random, n: number): number => Math.floor(random() * n);
export const pick = <T>(random: Random, items: readonly T[]): T => items[randomInt(random, items.length)]!;

/** Replace `bytes[at, at + remove)` with `insert`. */
export function splice(bytes: Uint8Array, at: number, remove: number, insert: Uint8Array = new Uint8Array()): Uint8Array {
  const out = new Uint8Array(bytes.length - remove + insert.length);
  out.set(bytes.subarray(0, at));
  out.set(insert, at);
  out.set(bytes.subarray(at + remove), at + insert.length);
  return out;
}

/** One generic mutation of `bytes`. */
export function mutateBytes(bytes: Uint8Array, random: Random): Mutation {
  const at = randomInt(random, Math.max(bytes.length, 1));
  const out = bytes.slice();
  switch (randomInt(random, 9)) {
    case 0:
      if (out.length > 0) out[at] ^= 1 << randomInt(random, 8);
      return { bytes: out, kind: 'bytes:flip-bit' };
    case 1:
      if (out.length > 0) out[at] = randomInt(random, 256);
      return { bytes: out, kind: 'bytes:set' };
    case 2:
      return { bytes: bytes.slice(0, randomInt(random, bytes.length + 1)), kind: 'bytes:truncate' };
    case 3:
      return { bytes: splice(bytes, at, 0, Uint8Array.from({ length: 1 + randomInt(random, 16) }, () => randomInt(random, 256))), kind: 'bytes:insert' };
    case 4:
      return { bytes: splice(bytes, at, Math.min(1 + randomInt(random, 16), bytes.length - at)), kind: 'bytes:delete' };
    case 5: {
      const length = Math.min(1 + randomInt(random, 64), bytes.length - at);
      return { bytes: splice(bytes, at, 0, bytes.slice(at, at + length)), kind: 'bytes:duplicate' };
    }
    case 6:
    case 7: {
      const wide = randomInt(random, 2) === 0;
      const size = wide ? 4 : 2;
      if (at + size <= out.length) {
        const view = new DataView(out.buffer);
        const littleEndian = randomInt(random, 2) === 0;
        if (wide) view.setUint32(at, pick(random, INTERESTING_U32) >>> 0, littleEndian);
        else view.setUint16(at, pick(random, INTERESTING_U16), littleEndian);
      }
      return { bytes: out, kind: `bytes:interesting-u${size * 8}` };
    }
    default:
      if (out.length > 0) out[at] = pick(random, [0, 1, 0x7f, 0x80, 0xff]);
      return { bytes: out, kind: 'bytes:interesting-u8' };
  }
}
