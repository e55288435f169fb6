/** Typed views over one engine memory; the JS kernels index them by byte offset >> 2 (or >> 0 for bytes). */
export interface Views {
  f32: Float32Array;
  i32: Int32Array;
  u8: Uint8Array;
  i8: Int8Array;
}

export function viewsOf(buffer: ArrayBufferLike): Views {
  return { f32: new Float32Array(buffer), i32: new Int32Array(buffer), u8: new Uint8Array(buffer), i8: new Int8Array(buffer) };
}

/** min(max(v, lo), hi) with NaN passing through (Math.min/max would also propagate it, but slower). */
export function clampValue(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
