/**
 * IEEE 754 binary16 ⇄ binary32 on raw bit patterns (no Float16Array in Node 20). Conversion to half
 * rounds to nearest, ties to even; overflow gives ±∞; NaNs stay NaN (quieted, top payload bits kept).
 * Half → single is exact, through a lazily built 65,536-entry table (256 KiB) for fast decoding.
 */

/**
 * binary16 bits of the float32 whose bits are `x` (round to nearest even).
 * @example float32BitsToFloat16(0x3f800000) // 0x3c00 (1.0)
 */
export function float32BitsToFloat16(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return mant === 0 ? sign | 0x7c00 : sign | 0x7e00 | (mant >>> 13);
  const e = exp - 112; // rebias 127 → 15
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Half subnormal: value = m · 2^-24 with m = (1.mant) · 2^(e − 1 + 10) = full >>> (14 − e).
    if (e < -10) return sign; // below half the smallest subnormal (or exactly half: ties to even 0)
    const full = mant | 0x800000;
    const shift = 14 - e;
    let half = full >>> shift;
    const rem = full & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rem > halfway || (rem === halfway && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++; // a carry correctly bumps the exponent (to ∞ at most)
  return sign | half;
}

/**
 * float32 bits of the binary16 `h` (exact).
 * @example float16ToFloat32Bits(0x0001) // 0x33800000 (2^-24)
 */
export function float16ToFloat32Bits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >>> 10) & 0x1f;
  let mant = h & 0x3ff;
  if (exp === 0x1f) return (sign | 0x7f800000 | (mant << 13)) >>> 0;
  if (exp !== 0) return (sign | ((exp + 112) << 23) | (mant << 13)) >>> 0;
  if (mant === 0) return sign >>> 0;
  let e = 113; // normalize the subnormal: shift until the implicit bit appears
  while ((mant & 0x400) === 0) {
    mant <<= 1;
    e--;
  }
  return (sign | (e << 23) | ((mant & 0x3ff) << 13)) >>> 0;
}

let table: Uint32Array | null = null;

/** float32 bits for every half bit pattern. */
export function float16Table(): Uint32Array {
  if (table === null) {
    table = new Uint32Array(65536);
    for (let h = 0; h < 65536; h++) table[h] = float16ToFloat32Bits(h);
  }
  return table;
}

/**
 * Rounds a float32 value through binary16 and back (what a float16 tensor will decode to).
 * @example roundToFloat16(0.1) // 0.0999755859375
 */
export function roundToFloat16(value: number): number {
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  f[0] = value;
  u[0] = float16Table()[float32BitsToFloat16(u[0]!)]!;
  return f[0]!;
}
