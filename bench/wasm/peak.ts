// AssemblyScript, compiled by bench/infer.ts at bench time (not part of the product): the f32x4 multiply-add
// throughput this machine's wasm engine reaches with no memory traffic, in two loop shapes; the roofline takes the
// better. `chains`: 8 independent a = a·m + c chains (mul and add both on the loop-carried path). `accumulate`:
// six accumulators acc += x·w as in a GEMM tile (only the add is loop-carried), w and u stepping so that nothing is
// loop-invariant. Both keep ≤ 13 vector registers live (V8 on x64 has 16 and reserves some), and no constant
// inside the loop.

export function chains(iterations: i32, seed: f32): f32 {
  // Constants derived from the argument: a literal would be folded into a v128.const inside the loop, which V8
  // rematerializes on every use instead of keeping it in a register.
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

export function accumulate(iterations: i32, seed: f32): f32 {
  const x0 = f32x4.splat(seed), x1 = f32x4.splat(seed * 0.5), x2 = f32x4.splat(seed * 0.25);
  const d = f32x4.splat(seed * 1e-9);
  let w = f32x4.splat(seed * 1e-3), u = f32x4.splat(seed * 2e-3);
  let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
  for (let i = 0; i < iterations; i++) {
    w = f32x4.add(w, d);
    u = f32x4.sub(u, d);
    a0 = f32x4.add(a0, f32x4.mul(x0, w)); a1 = f32x4.add(a1, f32x4.mul(x1, w)); a2 = f32x4.add(a2, f32x4.mul(x2, w));
    a3 = f32x4.add(a3, f32x4.mul(x0, u)); a4 = f32x4.add(a4, f32x4.mul(x1, u)); a5 = f32x4.add(a5, f32x4.mul(x2, u));
  }
  const s = f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(a4, a5));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
}
