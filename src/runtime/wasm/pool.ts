// AssemblyScript. Max/average pooling and global pooling, NHWC, channels in f32x4 lanes. f32x4.max propagates NaN.

/**
 * max(a, b, d, e) per lane, NaN if any is NaN: three pseudo-max (one maxps each) and a NaN mask OR-ed in (all ones is
 * a NaN). f32x4.max must also order −0 < +0 and propagate NaN from either side, which V8 lowers on x64 to ~8
 * instructions: three of them made LeNet-5's 2×2 pools twice as slow (a pool's result may now be −0 where max(−0, +0)
 * gave +0; the JS fallback keeps the first of equal values too).
 */
@inline function max4(a: v128, b: v128, d: v128, e: v128): v128 {
  const m = f32x4.pmax(f32x4.pmax(a, b), f32x4.pmax(d, e));
  const nan = v128.or(v128.or(f32x4.ne(a, a), f32x4.ne(b, b)), v128.or(f32x4.ne(d, d), f32x4.ne(e, e)));
  return v128.or(m, nan);
}

/** 2×2 stride-2 max pooling with every window inside (LeNet-5's pools): no per-pixel setup. */
function maxPool2x2(x: usize, batch: i32, h: i32, w: i32, c: i32, outH: i32, outW: i32, y: usize): void {
  const cBytes = <usize>c << 2;
  const c4Bytes = <usize>(c & ~3) << 2;
  const rowBytes = <usize>w * cBytes;
  let out = y;
  for (let b = 0; b < batch; b++) {
    const image = x + <usize>b * <usize>h * rowBytes;
    for (let oy = 0; oy < outH; oy++) {
      let p = image + <usize>(2 * oy) * rowBytes;
      for (let ox = 0; ox < outW; ox++) {
        const q = p + rowBytes;
        let off: usize = 0;
        for (; off < c4Bytes; off += 16) {
          v128.store(out + off, max4(v128.load(p + off), v128.load(p + cBytes + off), v128.load(q + off), v128.load(q + cBytes + off)));
        }
        // Channels past the last four (LeNet-5's pool2: 50): wasm's scalar max propagates NaN.
        for (; off < cBytes; off += 4) {
          store<f32>(out + off, max(max(load<f32>(p + off), load<f32>(p + cBytes + off)), max(load<f32>(q + off), load<f32>(q + cBytes + off))));
        }
        p += 2 * cBytes;
        out += cBytes;
      }
    }
  }
}

export function pool(mode: i32, x: usize, batch: i32, h: i32, w: i32, c: i32, ph: i32, pw: i32, sh: i32, sw: i32,
                     padT: i32, padL: i32, outH: i32, outW: i32, y: usize): void {
  if (mode == 0 && ph == 2 && pw == 2 && sh == 2 && sw == 2 && padT == 0 && padL == 0 && 2 * outH <= h && 2 * outW <= w) {
    maxPool2x2(x, batch, h, w, c, outH, outW, y);
    return;
  }
  const cBytes = <usize>c << 2;
  const c4 = c & ~3;
  let out = y;
  for (let b = 0; b < batch; b++) {
    const image = x + <usize>b * <usize>h * <usize>w * cBytes;
    for (let oy = 0; oy < outH; oy++) {
      const iy0 = oy * sh - padT;
      const ky0 = max(0, -iy0), ky1 = min(ph, h - iy0);
      for (let ox = 0; ox < outW; ox++) {
        const ix0 = ox * sw - padL;
        const kx0 = max(0, -ix0), kx1 = min(pw, w - ix0);
        const count = <f32>(max(0, ky1 - ky0) * max(0, kx1 - kx0));
        const inv = f32x4.splat(count > 0 ? <f32>1 / count : 0);
        let ch = 0;
        if (ph == 2 && pw == 2 && ky0 == 0 && ky1 == 2 && kx0 == 0 && kx1 == 2) {
          // The common 2×2 window fully inside: four loads and three max (or adds) per four channels, no loops.
          const p = image + (<usize>iy0 * <usize>w + <usize>ix0) * cBytes;
          const q = p + <usize>w * cBytes;
          for (; ch < c4; ch += 4) {
            const off = <usize>ch << 2;
            const a = v128.load(p + off), b2 = v128.load(p + cBytes + off), d = v128.load(q + off), e = v128.load(q + cBytes + off);
            v128.store(out + off, mode == 0 ? max4(a, b2, d, e) : f32x4.mul(f32x4.add(f32x4.add(f32x4.add(a, b2), d), e), inv));
          }
        }
        for (; ch < c4; ch += 4) {
          const off = <usize>ch << 2;
          let acc = mode == 0 ? f32x4.splat(-Infinity) : f32x4.splat(0);
          for (let ky = ky0; ky < ky1; ky++) {
            for (let kx = kx0; kx < kx1; kx++) {
              const v = v128.load(image + (<usize>(iy0 + ky) * <usize>w + <usize>(ix0 + kx)) * cBytes + off);
              acc = mode == 0 ? f32x4.max(acc, v) : f32x4.add(acc, v);
            }
          }
          v128.store(out + off, mode == 0 ? acc : f32x4.mul(acc, inv));
        }
        for (; ch < c; ch++) {
          const off = <usize>ch << 2;
          let acc: f32 = mode == 0 ? -Infinity : 0;
          for (let ky = ky0; ky < ky1; ky++) {
            for (let kx = kx0; kx < kx1; kx++) {
              const v = load<f32>(image + (<usize>(iy0 + ky) * <usize>w + <usize>(ix0 + kx)) * cBytes + off);
              acc = mode == 0 ? max(acc, v) : acc + v;
            }
          }
          store<f32>(out + off, mode == 0 ? acc : acc * f32x4.extract_lane(inv, 0));
        }
        out += cBytes;
      }
    }
  }
}

export function globalPool(mode: i32, x: usize, batch: i32, hw: i32, c: i32, y: usize): void {
  const cBytes = <usize>c << 2;
  const c4 = c & ~3;
  const inv: f32 = <f32>1 / <f32>hw;
  for (let b = 0; b < batch; b++) {
    const image = x + <usize>b * <usize>hw * cBytes;
    const out = y + <usize>b * cBytes;
    let ch = 0;
    // Sixteen channels at a time: four independent chains (one chain per four channels waited on each add's latency:
    // MobileNetV2's 4×4×1280 took 5.6 µs).
    for (; ch + 16 <= c4; ch += 16) {
      const off = <usize>ch << 2;
      let a0 = mode == 0 ? f32x4.splat(-Infinity) : f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
      for (let p = 0; p < hw; p++) {
        const q = image + <usize>p * cBytes + off;
        const v0 = v128.load(q), v1 = v128.load(q, 16), v2 = v128.load(q, 32), v3 = v128.load(q, 48);
        if (mode == 0) {
          a0 = f32x4.max(a0, v0); a1 = f32x4.max(a1, v1); a2 = f32x4.max(a2, v2); a3 = f32x4.max(a3, v3);
        } else {
          a0 = f32x4.add(a0, v0); a1 = f32x4.add(a1, v1); a2 = f32x4.add(a2, v2); a3 = f32x4.add(a3, v3);
        }
      }
      if (mode != 0) {
        const s = f32x4.splat(inv);
        a0 = f32x4.mul(a0, s); a1 = f32x4.mul(a1, s); a2 = f32x4.mul(a2, s); a3 = f32x4.mul(a3, s);
      }
      v128.store(out + off, a0);
      v128.store(out + off, a1, 16);
      v128.store(out + off, a2, 32);
      v128.store(out + off, a3, 48);
    }
    for (; ch < c4; ch += 4) {
      const off = <usize>ch << 2;
      let acc = mode == 0 ? f32x4.splat(-Infinity) : f32x4.splat(0);
      for (let p = 0; p < hw; p++) {
        const v = v128.load(image + <usize>p * cBytes + off);
        acc = mode == 0 ? f32x4.max(acc, v) : f32x4.add(acc, v);
      }
      v128.store(out + off, mode == 0 ? acc : f32x4.mul(acc, f32x4.splat(inv)));
    }
    for (; ch < c; ch++) {
      const off = <usize>ch << 2;
      let acc: f32 = mode == 0 ? -Infinity : 0;
      for (let p = 0; p < hw; p++) {
        const v = load<f32>(image + <usize>p * cBytes + off);
        acc = mode == 0 ? max(acc, v) : acc + v;
      }
      store<f32>(out + off, mode == 0 ? acc : acc * inv);
    }
  }
}
