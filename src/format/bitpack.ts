/**
 * Fixed-width bit packing of unsigned integers, 1..32 bits each, LSB-first: value i occupies bits
 * [i·b, (i+1)·b) of the stream, where bit j is bit (j mod 8) of byte ⌊j/8⌋ (least significant first),
 * and each value's own bits go least significant first. The last byte is zero-padded.
 * Widths above 16 are moved as two halves so the accumulator never exceeds 32 bits.
 */
import { SnnFormatError } from './errors.js';

/** Bytes needed for `count` values of `bits` bits. */
export function packedByteLength(count: number, bits: number): number {
  return Math.ceil((count * bits) / 8);
}

function checkBits(bits: number): void {
  if (!Number.isInteger(bits) || bits < 1 || bits > 32) {
    throw new SnnFormatError(`bit width must be an integer in [1, 32], got ${bits}`);
  }
}

/**
 * Packs `values[0..count)` into ⌈count·bits/8⌉ bytes. Throws SnnFormatError if a value is not an
 * integer in [0, 2^bits).
 * @example packBits([1, 2, 3], 2) // Uint8Array [0b00111001]
 */
export function packBits(values: ArrayLike<number>, bits: number, count = values.length): Uint8Array {
  checkBits(bits);
  const out = new Uint8Array(packedByteLength(count, bits));
  const limit = 2 ** bits;
  let acc = 0;
  let accBits = 0;
  let p = 0;
  for (let i = 0; i < count; i++) {
    const v = values[i]!;
    if (!(v >= 0 && v < limit && Number.isInteger(v))) {
      throw new SnnFormatError(`value ${v} at index ${i} does not fit in ${bits} bits`);
    }
    if (bits <= 16) {
      acc |= v << accBits; // accBits < 8 here, so acc stays below 2^24
      accBits += bits;
    } else {
      acc |= (v & 0xffff) << accBits;
      accBits += 16;
      while (accBits >= 8) {
        out[p++] = acc & 0xff;
        acc >>>= 8;
        accBits -= 8;
      }
      acc |= Math.floor(v / 65536) << accBits;
      accBits += bits - 16;
    }
    while (accBits >= 8) {
      out[p++] = acc & 0xff;
      acc >>>= 8;
      accBits -= 8;
    }
  }
  if (accBits > 0) out[p] = acc & 0xff;
  return out;
}

/**
 * Unpacks `count` values of `bits` bits from `bytes` (which must hold at least ⌈count·bits/8⌉ bytes).
 * @example unpackBits(Uint8Array.of(0b00111001), 2, 3) // Uint32Array [1, 2, 3]
 */
export function unpackBits<T extends Uint32Array | Uint16Array = Uint32Array>(
  bytes: Uint8Array,
  bits: number,
  count: number,
  out: T = new Uint32Array(count) as T,
): T {
  checkBits(bits);
  const need = packedByteLength(count, bits);
  if (bytes.length < need) {
    throw new SnnFormatError(`bit stream truncated: ${count} values of ${bits} bits need ${need} bytes, got ${bytes.length}`);
  }
  if (out.length < count) throw new SnnFormatError(`output holds ${out.length} values, need ${count}`);
  if (bits > 16 && !(out instanceof Uint32Array)) throw new SnnFormatError(`${bits}-bit values need a Uint32Array`);
  if (bits > 16) unpackWide(bytes, bits, count, out as Uint32Array);
  else if (out instanceof Uint16Array) unpackNarrow(bytes, bits, count, out);
  else unpackNarrow(bytes, bits, count, out as Uint32Array);
  return out;
}

/**
 * Widths 1..16. Value i starts at bit i·b, inside byte k = ⌊i·b/8⌋; its bits lie within the 24-bit
 * little-endian word at k (shift ≤ 7, width ≤ 16), so one unaligned 3-byte read extracts it without
 * a bit-accumulator loop. The last values, whose word would run past the end, read missing bytes as 0.
 */
function unpackNarrow(bytes: Uint8Array, bits: number, count: number, out: Uint16Array | Uint32Array): void {
  const mask = (1 << bits) - 1;
  if (bits === 8) {
    for (let i = 0; i < count; i++) out[i] = bytes[i]!;
    return;
  }
  if (bits === 16) {
    for (let i = 0; i < count; i++) out[i] = bytes[2 * i]! | (bytes[2 * i + 1]! << 8);
    return;
  }
  const n = bytes.length;
  let i = 0;
  let k = 0; // byte of value i's first bit (tracked apart from the shift: i·b may exceed 2^32)
  let shift = 0;
  // Safe while the 3-byte word at k stays inside the buffer.
  for (const safe = n - 2; i < count && k < safe; i++) {
    out[i] = ((bytes[k]! | (bytes[k + 1]! << 8) | (bytes[k + 2]! << 16)) >>> shift) & mask;
    shift += bits;
    k += shift >>> 3;
    shift &= 7;
  }
  for (; i < count; i++) {
    const word = bytes[k]! | (k + 1 < n ? bytes[k + 1]! << 8 : 0) | (k + 2 < n ? bytes[k + 2]! << 16 : 0);
    out[i] = (word >>> shift) & mask;
    shift += bits;
    k += shift >>> 3;
    shift &= 7;
  }
}

/** Widths 17..32: a low 16-bit half and a high half, each through a bit accumulator below 2^24. */
function unpackWide(bytes: Uint8Array, bits: number, count: number, out: Uint32Array): void {
  const hiBits = bits - 16;
  const hiMask = hiBits === 16 ? 0xffff : (1 << hiBits) - 1;
  let acc = 0;
  let accBits = 0;
  let p = 0;
  for (let i = 0; i < count; i++) {
    while (accBits < 16) {
      acc |= bytes[p++]! << accBits;
      accBits += 8;
    }
    const lo = acc & 0xffff;
    acc >>>= 16;
    accBits -= 16;
    while (accBits < hiBits) {
      acc |= bytes[p++]! << accBits;
      accBits += 8;
    }
    out[i] = (acc & hiMask) * 65536 + lo;
    acc >>>= hiBits;
    accBits -= hiBits;
  }
}
