// AssemblyScript, compiled by bench/infer.ts at bench time (not part of the product): the f32x4 arithmetic
// throughput this machine's wasm engine reaches with no memory traffic, as an upper bound for the roofline.
// Every loop keeps ≤ 14 vector registers live (V8 on x64 has 16 and reserves some), has no constant inside the
// loop (V8 rematerializes a v128.const on every use), and changes one operand per iteration so nothing can be
// hoisted out of it. The roofline takes the best loop of each build.
//
// `mulAdd`: ten accumulators acc += x·w (a mul and an add each, only the add loop-carried: ten chains hide its
// latency), w += d once per iteration: 10 muls + 11 adds = 84 flops per iteration, unrolled twice.
// `chains`: eight independent a = a·m + c chains (mul and add both on the loop-carried path), the old shape.
// `madd` (timed from the relaxed-SIMD build): ten independent chains acc = relaxed_madd(x, w, acc) — an FMA where
// the CPU has one (latency 4, two per cycle: ten chains keep both units busy): 80 flops per iteration.

export function mulAdd(iterations: i32, seed: f32): f32 {
  const x0 = f32x4.splat(seed), x1 = f32x4.splat(seed * 0.5);
  const d = f32x4.splat(seed * 1e-9);
  let w = f32x4.splat(seed * 1e-3);
  let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0;
  for (let i = 0; i < iterations; i += 2) {
    w = f32x4.add(w, d);
    a0 = f32x4.add(a0, f32x4.mul(x0, w)); a1 = f32x4.add(a1, f32x4.mul(x1, w));
    a2 = f32x4.add(a2, f32x4.mul(x0, w)); a3 = f32x4.add(a3, f32x4.mul(x1, w));
    a4 = f32x4.add(a4, f32x4.mul(x0, w)); a5 = f32x4.add(a5, f32x4.mul(x1, w));
    a6 = f32x4.add(a6, f32x4.mul(x0, w)); a7 = f32x4.add(a7, f32x4.mul(x1, w));
    a8 = f32x4.add(a8, f32x4.mul(x0, w)); a9 = f32x4.add(a9, f32x4.mul(x1, w));
    w = f32x4.add(w, d);
    a0 = f32x4.add(a0, f32x4.mul(x1, w)); a1 = f32x4.add(a1, f32x4.mul(x0, w));
    a2 = f32x4.add(a2, f32x4.mul(x1, w)); a3 = f32x4.add(a3, f32x4.mul(x0, w));
    a4 = f32x4.add(a4, f32x4.mul(x1, w)); a5 = f32x4.add(a5, f32x4.mul(x0, w));
    a6 = f32x4.add(a6, f32x4.mul(x1, w)); a7 = f32x4.add(a7, f32x4.mul(x0, w));
    a8 = f32x4.add(a8, f32x4.mul(x1, w)); a9 = f32x4.add(a9, f32x4.mul(x0, w));
  }
  const s = f32x4.add(f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7))), f32x4.add(a8, a9));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
}

export function chains(iterations: i32, seed: f32): f32 {
  // Constants derived from the argument: a literal would be folded into a v128.const inside the loop.
  const m = f32x4.splat(1 - seed * 1e-6);
  const c = f32x4.splat(seed * 1e-7);
  let a0 = f32x4.splat(seed), a1 = f32x4.splat(seed + 1), a2 = f32x4.splat(seed + 2), a3 = f32x4.splat(seed + 3);
  let a4 = f32x4.splat(seed + 4), a5 = f32x4.splat(seed + 5), a6 = f32x4.splat(seed + 6), a7 = f32x4.splat(seed + 7);
  for (let i = 0; i < iterations; i++) {
    a0 = f32x4.add(f32x4.mul(a0, m), c); a1 = f32x4.add(f32x4.mul(a1, m), c);
    a2 = f32x4.add(f32x4.mul(a2, m), c); a3 = f32x4.add(f32x4.mul(a3, m), c);
    a4 = f32x4.add(f32x4.mul(a4, m), c); a5 = f32x4.add(f32x4.mul(a5, m), c);
    a6 = f32x4.add(f32x4.mul(a6, m), c); a7 = f32x4.add(f32x4.mul(a7, m), c);
  }
  const s = f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7)));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
}

@inline function fma(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

export function madd(iterations: i32, seed: f32): f32 {
  // fma(x, w, acc) depends on acc, so nothing is loop-invariant: no operand needs to change.
  const x0 = f32x4.splat(seed), w = f32x4.splat(seed * 1e-3);
  let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0;
  for (let i = 0; i < iterations; i++) {
    a0 = fma(x0, w, a0); a1 = fma(x0, w, a1); a2 = fma(x0, w, a2); a3 = fma(x0, w, a3); a4 = fma(x0, w, a4);
    a5 = fma(x0, w, a5); a6 = fma(x0, w, a6); a7 = fma(x0, w, a7); a8 = fma(x0, w, a8); a9 = fma(x0, w, a9);
  }
  const s = f32x4.add(f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7))), f32x4.add(a8, a9));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
}
