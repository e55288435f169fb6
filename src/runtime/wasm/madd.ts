// AssemblyScript. a·b + c on f32x4: one fused multiply-add when the module is built with relaxed SIMD (an FMA on
// x86 with FMA3 and on ARM; the engine may also round twice, so results may differ from the plain build by an
// ulp per step), else a multiply and an add. scripts/build-wasm.mjs builds both modules from the same sources.

@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}
