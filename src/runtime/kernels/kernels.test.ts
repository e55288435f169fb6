/**
 * Every wasm kernel against the plain-JS kernel on the same memory contents (and the JS kernels against
 * naive formulas in runtime.test.ts through TF.js): odd sizes, padding, stride 2, multiplier 2, empty
 * columns, 0% and 100% sparsity, 1-bit and 8-bit codebooks.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { compileKernels, instantiateKernels, relaxedSimdSupported } from '../wasm-module.js';
import { jsKernels } from './js/index.js';
import { PANEL, depthwisePaddedFloats, spmmScratchFloats, type Kernels } from './api.js';
import { maxRelativeError } from '../../engine/backends.test-util.js';
import { seededValues } from '../reference.test-util.js';

const BYTES = 1 << 22;
let wasm: Kernels;
let wasmMemory: WebAssembly.Memory;

// Both wasm builds: plain SIMD128, and relaxed SIMD (fused multiply-adds) where this engine has it (the test
// config turns it on for Node 20).
const VARIANTS = relaxedSimdSupported() ? (['simd128', 'relaxed'] as const) : (['simd128'] as const);


/** A bump allocator over a fixed layout shared by both memories. */
class Layout {
  private next = 64;
  readonly writes: Array<{ at: number; data: Uint8Array }> = [];
  put(data: Float32Array | Int32Array | Uint8Array): number {
    const at = this.next;
    this.writes.push({ at, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
    this.next += Math.ceil((data.byteLength + 64) / 64) * 64;
    return at;
  }
  space(floats: number): number {
    return this.put(new Float32Array(floats));
  }
}

/** Run `call` on both kernel sets over identical memories; return the floats at [at, at+count) from each. */
function both(layout: Layout, call: (k: Kernels) => void, at: number, count: number): { js: Float32Array; wasm: Float32Array } {
  const jsBuffer = new ArrayBuffer(BYTES);
  const wasmBytes = new Uint8Array(wasmMemory.buffer);
  wasmBytes.fill(0);
  for (const { at: a, data } of layout.writes) {
    new Uint8Array(jsBuffer).set(data, a);
    wasmBytes.set(data, a);
  }
  call(jsKernels(jsBuffer));
  call(wasm);
  return { js: new Float32Array(jsBuffer, at, count).slice(), wasm: new Float32Array(wasmMemory.buffer, at, count).slice() };
}

function packPanels(w: Float32Array, k: number, n: number): Float32Array {
  const panels = new Float32Array(Math.ceil(n / PANEL) * k * PANEL);
  for (let r = 0; r < k; r++) for (let c = 0; c < n; c++) panels[Math.floor(c / PANEL) * k * PANEL + r * PANEL + (c % PANEL)] = w[r * n + c]!;
  return panels;
}

/** Naive C = clamp(A·W ⊙ scale + bias). */
function naiveGemm(a: Float32Array, w: Float32Array, m: number, k: number, n: number, bias: Float32Array | null, scale: Float32Array | null, lo: number, hi: number): Float32Array {
  const c = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let r = 0; r < k; r++) s += a[i * k + r]! * w[r * n + j]!;
      if (scale) s *= scale[j]!;
      if (bias) s += bias[j]!;
      c[i * n + j] = Math.min(Math.max(s, lo), hi);
    }
  }
  return c;
}

for (const variant of VARIANTS) describe(`wasm ${variant} kernels vs JS and naive formulas`, () => {
beforeAll(async () => {
  const compiled = await compileKernels(undefined, variant === 'relaxed');
  expect(compiled.relaxed).toBe(variant === 'relaxed');
  wasmMemory = new WebAssembly.Memory({ initial: BYTES / 65536, maximum: 65536 });
  wasm = instantiateKernels(compiled.plain, wasmMemory);
});

describe('gemm family', () => {
  for (const [m, k, n] of [[1, 1, 1], [3, 17, 5], [4, 8, 8], [9, 33, 19], [64, 75, 20]] as const) {
    it(`dense m=${m} k=${k} n=${n}, bias, scale, relu6`, () => {
      const a = seededValues(m * k, 1);
      const w = seededValues(k * n, 2);
      const bias = seededValues(n, 3);
      const scale = seededValues(n, 4, 0.5, 1.5);
      const L = new Layout();
      const pa = L.put(a), pw = L.put(packPanels(w, k, n)), pb = L.put(bias), ps = L.put(scale), pc = L.space(m * n);
      const out = both(L, (K) => K.gemm(pa, k, m, k, pw, n, pb, ps, pc, n, 0, 6), pc, m * n);
      const expected = naiveGemm(a, w, m, k, n, bias, scale, 0, 6);
      expect(maxRelativeError(out.js, expected)).toBeLessThan(1e-5);
      expect(maxRelativeError(out.wasm, expected)).toBeLessThan(1e-5);
    });
  }

  for (const entries of [2, 16, 256]) {
    it(`codebook ${Math.log2(entries)}-bit (${entries} entries) m=5 k=21 n=13`, () => {
      const [m, k, n] = [5, 21, 13];
      const table = new Float32Array(256 + 16 + 4);
      table.set(seededValues(entries, 5));
      const tableBytes = new Uint8Array(table.buffer);
      for (let i = 0; i < 16; i++) for (let b = 0; b < 4; b++) tableBytes[1024 + 16 * b + i] = tableBytes[4 * i + b]!;
      new Int32Array(table.buffer)[272] = entries;
      const idx = Uint8Array.from(seededValues(k * n, 6, 0, entries), Math.floor);
      const w = Float32Array.from(idx, (i) => table[i]!);
      const bytes = Uint8Array.from(packPanels(Float32Array.from(idx), k, n));
      // ≤ 16 entries: two indexes per byte, low nibble first.
      const panels = entries > 16 ? bytes : Uint8Array.from({ length: bytes.length / 2 }, (_, j) => bytes[2 * j]! | (bytes[2 * j + 1]! << 4));
      const a = seededValues(m * k, 7);
      const L = new Layout();
      const pa = L.put(a), pi = L.put(panels), pt = L.put(table), pc = L.space(m * n), scratch = L.space(k * PANEL + 16);
      const out = both(L, (K) => K.gemmCodebook(pa, k, m, k, pi, pt, n, 0, 0, pc, n, -Infinity, Infinity, scratch), pc, m * n);
      const expected = naiveGemm(a, w, m, k, n, null, null, -Infinity, Infinity);
      expect(maxRelativeError(out.js, expected)).toBeLessThan(1e-5);
      expect(maxRelativeError(out.wasm, expected)).toBeLessThan(1e-5);
    });
  }

  it('u8 affine m=6 k=19 n=11, per-column zero points and scales', () => {
    const [m, k, n] = [6, 19, 11];
    const q = Uint8Array.from(seededValues(k * n, 8, 0, 256), Math.floor);
    const zero = new Float32Array(16);
    zero.set(Float32Array.from(seededValues(n, 9, 0, 256), Math.floor));
    const scale = seededValues(n, 10, 0.001, 0.01);
    const w = Float32Array.from(q, (v, e) => v - zero[e % n]!);
    const a = seededValues(m * k, 11);
    const L = new Layout();
    const pa = L.put(a), pq = L.put(Uint8Array.from(packPanels(Float32Array.from(q), k, n))), pz = L.put(zero), ps = L.put(scale);
    const pc = L.space(m * n), scratch = L.space(k * PANEL + 16);
    const out = both(L, (K) => K.gemmQ8(pa, k, m, k, pq, pz, n, 0, ps, pc, n, -Infinity, Infinity, scratch), pc, m * n);
    const expected = naiveGemm(a, w, m, k, n, null, scale, -Infinity, Infinity);
    expect(maxRelativeError(out.js, expected)).toBeLessThan(1e-5);
    expect(maxRelativeError(out.wasm, expected)).toBeLessThan(1e-5);
  });
});

describe('spmm (CSC)', () => {
  // n = 7: one group of four columns (transposed stores) and a 3-column tail; m = 53: tiles of 32, 16, 4 and 1 rows;
  // n = 14, k = 3: two groups and a 2-column tail over a k smaller than four; k = 301: a tile larger than L1 (filled
  // four k at a time across the rows) with a k tail.
  for (const [density, m, k, n] of [[0, 5, 29, 7], [0.1, 1, 29, 7], [0.1, 37, 29, 7], [0.5, 3, 29, 7], [1, 33, 29, 7], [0.3, 53, 29, 7], [0.6, 22, 3, 14], [0.1, 37, 301, 6]] as const) {
    it(`density ${density} m=${m} k=${k} n=${n} (empty columns, tiles of 32, 16, 4 and 1 rows)`, () => {
      const w = seededValues(k * n, 12).map((v, e) => (e % n === 3 || Math.abs(v) > density ? 0 : v));
      const counts = new Int32Array(n);
      const rows: number[] = [];
      const values: number[] = [];
      for (let c = 0; c < n; c++) for (let r = 0; r < k; r++) if (w[r * n + c] !== 0) { counts[c]!++; rows.push(r); values.push(w[r * n + c]!); }
      const a = seededValues(m * k, 13);
      const bias = seededValues(n, 14);
      const L = new Layout();
      const pa = L.put(a), pn = L.put(counts), pr = L.put(Int32Array.from(rows)), pv = L.put(Float32Array.from(values)), pb = L.put(bias);
      const pc = L.space(m * n), scratch = L.space(spmmScratchFloats(k));
      const out = both(L, (K) => K.spmm(pa, k, m, k, pn, pr, pv, n, pb, pc, n, 0, Infinity, scratch), pc, m * n);
      const expected = naiveGemm(a, w, m, k, n, bias, null, 0, Infinity);
      expect(maxRelativeError(out.js, expected)).toBeLessThan(1e-5);
      expect(maxRelativeError(out.wasm, expected)).toBeLessThan(1e-5);
    });
  }

  it('NaN and Infinity in A propagate to exactly the outputs whose columns read them (m=53, ldc > n, relu6)', () => {
    const [m, k, n, ldc] = [53, 10, 9, 11];
    const w = seededValues(k * n, 15).map((v, e) => (Math.abs(v) > 0.4 ? 0 : v));
    w[4 * n + 5] = 0.25; // column 5 reads input 4
    const counts = new Int32Array(n);
    const rows: number[] = [];
    const values: number[] = [];
    for (let c = 0; c < n; c++) for (let r = 0; r < k; r++) if (w[r * n + c] !== 0) { counts[c]!++; rows.push(r); values.push(w[r * n + c]!); }
    const a = seededValues(m * k, 16);
    for (const i of [0, 17, 33, 47, 52]) a[i * k + 4] = i % 2 === 0 ? NaN : Infinity;
    const L = new Layout();
    const pa = L.put(a), pn = L.put(counts), pr = L.put(Int32Array.from(rows)), pv = L.put(Float32Array.from(values));
    const pc = L.put(new Float32Array(m * ldc).fill(-7)), scratch = L.space(spmmScratchFloats(k));
    const out = both(L, (K) => K.spmm(pa, k, m, k, pn, pr, pv, n, 0, pc, ldc, 0, 6, scratch), pc, m * ldc);
    // Sums over the stored weights only (a dense product would also make Infinity · 0 = NaN).
    const expected = new Float32Array(m * n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let r = 0; r < k; r++) if (w[r * n + j] !== 0) s += a[i * k + r]! * w[r * n + j]!;
        expected[i * n + j] = Math.min(Math.max(s, 0), 6);
      }
    }
    for (const got of [out.js, out.wasm]) {
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < ldc; j++) {
          const g = got[i * ldc + j]!;
          if (j >= n) expect(g).toBe(-7); // columns past n untouched
          else if (Number.isNaN(expected[i * n + j]!)) expect(g).toBeNaN();
          else expect(Math.abs(g - expected[i * n + j]!)).toBeLessThan(1e-5);
        }
      }
      expect(Number.isNaN(got[0 * ldc + 5]!)).toBe(true);
      expect(got[17 * ldc + 5]).toBe(6); // +Infinity · 0.25 clamped by relu6
    }
  });
});

describe('spmmConv (im2col fused into the sparse tile)', () => {
  // [batch, h, w, c, kernel, stride, pad]: valid windows with kw·c a multiple of 4 (the register-transpose path; k = 500
  // is also a tile larger than L1),
  // 'same' padding with border rows (the element path) and kw·c = 9 (scalar tails), a tile crossing images.
  for (const [batch, h, w, c, kk, s, pad] of [[1, 12, 12, 20, 5, 1, 0], [2, 7, 9, 3, 3, 2, 1], [3, 5, 6, 4, 3, 1, 1]] as const) {
    it(`x=[${batch},${h},${w},${c}] ${kk}x${kk} stride ${s} pad ${pad}`, () => {
      const outH = Math.floor((h + 2 * pad - kk) / s) + 1, outW = Math.floor((w + 2 * pad - kk) / s) + 1;
      const k = kk * kk * c, n = 7;
      const total = batch * outH * outW;
      const m0 = total >= 40 ? 5 : 0;
      expect(total - m0).toBeGreaterThanOrEqual(32);
      const x = seededValues(batch * h * w * c, 40);
      const wts = seededValues(k * n, 41).map((v, e) => (e % n === 2 || Math.abs(v) > 0.2 ? 0 : v));
      const counts = new Int32Array(n);
      const rows: number[] = [];
      const values: number[] = [];
      for (let col = 0; col < n; col++) for (let r = 0; r < k; r++) if (wts[r * n + col] !== 0) { counts[col]!++; rows.push(r); values.push(wts[r * n + col]!); }
      const bias = seededValues(n, 42);
      const L = new Layout();
      const px = L.put(x), pn = L.put(counts), pr = L.put(Int32Array.from(rows)), pv = L.put(Float32Array.from(values)), pb = L.put(bias);
      const pcol = L.space(32 * k), py = L.space(32 * n), scratch = L.space(spmmScratchFloats(k));
      const out = both(L, (K) => K.spmmConv(px, h, w, c, kk, kk, s, s, pad, pad, outH, outW, m0, k, pn, pr, pv, n, pb, py, n, 0, Infinity, scratch), py, 32 * n);
      // Reference: the JS im2col rows (checked against TF.js through runtime.test.ts) times the dense matrix.
      const cols = both(L, (K) => K.im2col(px, h, w, c, kk, kk, s, s, pad, pad, outH, outW, m0, 32, pcol), pcol, 32 * k).js;
      const expected = naiveGemm(cols, wts, 32, k, n, bias, null, 0, Infinity);
      expect(maxRelativeError(out.js, expected)).toBeLessThan(1e-5);
      expect(maxRelativeError(out.wasm, expected)).toBeLessThan(1e-5);
    });
  }
});

describe('convDense (dense conv reading the image in the GEMM tile)', () => {
  // [batch, h, w, c, kernel, stride, padT, padL, n]: MobileNet's first conv (3x3/2 over 3 channels, one panel,
  // TF 'same' with padding only at the bottom/right), padding on every side with two panels and a column tail,
  // a valid 5x5 over one channel (LeNet), odd widths whose rows mix 4-pixel tiles, single interior pixels and
  // border pixels; rows start mid-image and cross images. One channel at stride 1 with n a multiple of 4 runs with
  // pixels in lanes (c1Tile8): valid 5x5 with n = 20 (LeNet) over rows of 9 (one tile of eight, one single pixel), and
  // 'same' 5x5 with n = 12 (clipped kernel rows, border pixels through im2col); both with a NaN and an Infinity pixel.
  for (const [batch, h, w, c, kk, s, padT, padL, outH, outW, n] of [
    [1, 16, 16, 3, 3, 2, 0, 0, 8, 8, 8], [2, 7, 11, 5, 3, 1, 1, 1, 7, 11, 13], [2, 12, 12, 1, 5, 1, 0, 0, 8, 8, 6], [2, 9, 10, 4, 3, 2, 1, 1, 5, 5, 16],
    [2, 12, 13, 1, 5, 1, 0, 0, 8, 9, 20], [1, 11, 19, 1, 5, 1, 2, 2, 11, 19, 12],
  ] as const) {
    it(`x=[${batch},${h},${w},${c}] ${kk}x${kk} stride ${s} pad ${padT},${padL} n=${n}`, () => {
      const k = kk * kk * c;
      const total = batch * outH * outW;
      const m0 = 3, count = total - 5;
      const x = seededValues(batch * h * w * c, 50);
      const special = c === 1 && n % 4 === 0;
      if (special) {
        x[3 * w + 6] = NaN;
        x[h * w - 2] = Infinity;
      }
      const wts = seededValues(k * n, 51);
      const bias = seededValues(n, 52);
      const L = new Layout();
      const px = L.put(x), pw = L.put(packPanels(wts, k, n)), pb = L.put(bias);
      const pcol = L.space(count * k), py = L.space(count * n), scratch = L.space(count * k);
      const out = both(L, (K) => K.convDense(px, h, w, c, kk, kk, s, s, padT, padL, outH, outW, m0, count, pw, n, pb, py, n, 0, 6, scratch), py, count * n);
      const cols = both(L, (K) => K.im2col(px, h, w, c, kk, kk, s, s, padT, padL, outH, outW, m0, count, pcol), pcol, count * k).js;
      const expected = naiveGemm(cols, wts, count, k, n, bias, null, 0, 6);
      expect(expected.some((v) => v > 0 && v < 6)).toBe(true);
      if (special) expect(expected.some(Number.isNaN)).toBe(true);
      for (const got of [out.js, out.wasm]) {
        expect(Array.from(got, Number.isNaN)).toEqual(Array.from(expected, Number.isNaN));
        const finite = (v: Float32Array) => v.map((e, i) => (Number.isNaN(expected[i]!) ? 0 : e));
        expect(maxRelativeError(finite(got), finite(expected))).toBeLessThan(1e-5);
      }
    });
  }
});

describe('conv, pool and elementwise kernels (wasm = js)', () => {
  const close = (o: { js: Float32Array; wasm: Float32Array }) => {
    expect(o.js.some((v) => v !== 0)).toBe(true);
    expect(maxRelativeError(o.wasm, o.js)).toBeLessThan(1e-5);
  };
  it('im2col x=[2,7,9,3] k=3x3 s=2 pad 1 (rows 5..22)', () => {
    const L = new Layout();
    const px = L.put(seededValues(2 * 7 * 9 * 3, 20)), pd = L.space(18 * 27);
    close(both(L, (K) => K.im2col(px, 7, 9, 3, 3, 3, 2, 2, 1, 1, 4, 5, 5, 18, pd), pd, 18 * 27));
  });
  // w=17 gives interior runs of four pixels (the blocked path) as well as border pixels; w=10 single interior
  // pixels after a run of four (the 3-wide kernels), w=3 a row whose only interior pixel is the middle one.
  // Rows with all three kernel rows inside run depthwise-row.ts: stride 1 in fours plus 1-3 pixels left over,
  // stride 2 in pairs plus one (w=11: 4 interior pixels, w=17: 7), w=2 at stride 2 no interior pixel at all.
  for (const [c, mult, s, w] of [[13, 1, 1, 8], [16, 1, 2, 8], [5, 2, 2, 8], [8, 1, 1, 17], [12, 1, 2, 17], [12, 1, 1, 10], [4, 1, 1, 3], [20, 1, 2, 11], [4, 1, 1, 6], [8, 1, 2, 2]] as const) {
    it(`depthwise x=[2,9,${w},${c}] k=3x3 s=${s} mult=${mult} same padding, bias, relu6`, () => {
      const [h, kh, kw] = [9, 3, 3];
      const outH = Math.ceil(h / s), outW = Math.ceil(w / s);
      const padT = Math.floor(Math.max((outH - 1) * s + kh - h, 0) / 2), padL = Math.floor(Math.max((outW - 1) * s + kw - w, 0) / 2);
      const L = new Layout();
      const px = L.put(seededValues(2 * h * w * c, 21)), pw = L.put(seededValues(kh * kw * c * mult, 22)), pb = L.put(seededValues(c * mult, 23));
      const py = L.space(2 * outH * outW * c * mult);
      const g = { h, w, c, kh, kw, sh: s, sw: s, padT, padL, outH, outW };
      const padded = depthwisePaddedFloats(g, mult);
      const scratch = padded > 0 ? L.space(padded) : 0;
      // Without scratch the clipped-border kernels; with it (small padded maps) the zero-padded copy.
      const clipped = both(L, (K) => K.depthwise(px, 2, h, w, c, kh, kw, s, s, padT, padL, outH, outW, mult, pw, pb, py, 0, 6, 0), py, 2 * outH * outW * c * mult);
      close(clipped);
      if (padded > 0) {
        const viaPad = both(L, (K) => K.depthwise(px, 2, h, w, c, kh, kw, s, s, padT, padL, outH, outW, mult, pw, pb, py, 0, 6, scratch), py, 2 * outH * outW * c * mult);
        close(viaPad);
        expect(maxRelativeError(viaPad.wasm, clipped.wasm)).toBeLessThan(1e-6);
      }
    });
  }
  // Small maps through the zero-padded copy: 4×4 and 8×8 'same' at stride 1 (MobileNetV2's last stages), 5×7 with rows
  // of 7 (a four-pixel step and three single pixels) and 3×9; NaN and Infinity inputs must reach exactly the outputs
  // whose windows hold them (as the clipped-window kernels and the JS fallback do).
  // [4, 5, 8, 1, 0, 0]: padding only at the bottom and right (windows run past the last row and column).
  for (const [h, w, c, s, padT, padL] of [[4, 4, 12, 1, 1, 1], [8, 8, 8, 1, 1, 1], [5, 7, 4, 1, 1, 1], [3, 9, 8, 1, 1, 1], [4, 5, 8, 1, 0, 0]] as const) {
    it(`depthwise 3x3 x=[2,${h},${w},${c}] s=${s} pad ${padT},${padL} on a padded copy, NaN and Infinity inputs`, () => {
      const outH = Math.ceil(h / s), outW = Math.ceil(w / s);
      const g = { h, w, c, kh: 3, kw: 3, sh: s, sw: s, padT, padL, outH, outW };
      const padded = depthwisePaddedFloats(g, 1);
      expect(padded).toBeGreaterThan(0);
      const x = seededValues(2 * h * w * c, 24);
      x[(w + 1) * c + 2] = NaN; // image 0, pixel (1, 1), channel 2
      x[(h * w + w - 1) * c + 1] = Infinity; // image 1, pixel (0, w − 1), channel 1
      const L = new Layout();
      const px = L.put(x), pw = L.put(seededValues(9 * c, 25)), pb = L.put(seededValues(c, 26));
      const py = L.space(2 * outH * outW * c), scratch = L.space(padded);
      const size = 2 * outH * outW * c;
      const viaPad = both(L, (K) => K.depthwise(px, 2, h, w, c, 3, 3, s, s, padT, padL, outH, outW, 1, pw, pb, py, -Infinity, Infinity, scratch), py, size);
      const clipped = both(L, (K) => K.depthwise(px, 2, h, w, c, 3, 3, s, s, padT, padL, outH, outW, 1, pw, pb, py, -Infinity, Infinity, 0), py, size).wasm;
      const nan = (v: Float32Array) => Array.from(v, Number.isNaN);
      expect(nan(viaPad.js).some(Boolean)).toBe(true);
      expect(viaPad.js.some((v) => Math.abs(v) === Infinity)).toBe(true);
      for (const got of [viaPad.wasm, clipped]) {
        expect(nan(got)).toEqual(nan(viaPad.js));
        for (let i = 0; i < size; i++) {
          const e = viaPad.js[i]!;
          if (Number.isNaN(e)) continue;
          if (!Number.isFinite(e)) expect(got[i]).toBe(e);
          else expect(Math.abs(got[i]! - e)).toBeLessThan(1e-5);
        }
      }
    });
  }
  for (const mode of [0, 1]) {
    it(`${mode === 0 ? 'max' : 'average'} pool x=[2,7,7,6] 3x3 s=2 same padding, and global pool`, () => {
      const L = new Layout();
      const px = L.put(seededValues(2 * 7 * 7 * 6, 24)), py = L.space(2 * 4 * 4 * 6), pg = L.space(12);
      close(both(L, (K) => K.pool(mode, px, 2, 7, 7, 6, 3, 3, 2, 2, 1, 1, 4, 4, py), py, 2 * 4 * 4 * 6));
      close(both(L, (K) => K.globalPool(mode, px, 2, 49, 6, pg), pg, 12));
    });
    it(`global ${mode === 0 ? 'max' : 'average'} pool x=[2,5,37]: sixteen channels per step, a group of four, a scalar tail; NaN propagates`, () => {
      const x = seededValues(2 * 5 * 37, 27);
      x[2 * 37 + 3] = NaN; // image 0, pixel 2, channel 3 (a sixteen-channel block)
      x[(5 + 1) * 37 + 36] = NaN; // image 1, pixel 1, channel 36 (the scalar tail)
      const L = new Layout();
      const px = L.put(x), pg = L.space(2 * 37);
      const out = both(L, (K) => K.globalPool(mode, px, 2, 5, 37, pg), pg, 2 * 37);
      const nanAt = [3, 37 + 36];
      for (const got of [out.js, out.wasm]) {
        for (let i = 0; i < 2 * 37; i++) {
          if (nanAt.includes(i)) expect(got[i]).toBeNaN();
          else {
            const [b, ch] = [Math.floor(i / 37), i % 37];
            const vals = [0, 1, 2, 3, 4].map((p) => x[(b * 5 + p) * 37 + ch]!);
            const want = mode === 0 ? Math.max(...vals) : vals.reduce((a, v) => a + v, 0) / 5;
            expect(Math.abs(got[i]! - want)).toBeLessThan(1e-6);
          }
        }
      }
    });
  }
  for (const mode of [0, 1]) {
    it(`${mode === 0 ? 'max' : 'average'} pool 2x2 s=2: x=[2,6,6,8] valid (the unrolled path), x=[1,5,7,6] same (borders, channel tail), x=[1,5,5,4] valid`, () => {
      const L = new Layout();
      const pa = L.put(seededValues(2 * 6 * 6 * 8, 29)), pb = L.put(seededValues(5 * 7 * 6, 30));
      const ya = L.space(2 * 3 * 3 * 8), yb = L.space(3 * 4 * 6);
      close(both(L, (K) => K.pool(mode, pa, 2, 6, 6, 8, 2, 2, 2, 2, 0, 0, 3, 3, ya), ya, 2 * 3 * 3 * 8));
      close(both(L, (K) => K.pool(mode, pb, 1, 5, 7, 6, 2, 2, 2, 2, 0, 0, 3, 4, yb), yb, 3 * 4 * 6));
      // Valid over odd sizes: 5×5 → 2×2, the last row and column of the image unread.
      const pc = L.put(seededValues(5 * 5 * 4, 31));
      const yc = L.space(2 * 2 * 4);
      close(both(L, (K) => K.pool(mode, pc, 1, 5, 5, 4, 2, 2, 2, 2, 0, 0, 2, 2, yc), yc, 2 * 2 * 4));
    });
  }
  it('max pool 2x2 s=2 valid over 10 channels (vectors and a scalar tail): NaN, ±Infinity and signed zeros', () => {
    const c = 10;
    const x = seededValues(2 * 6 * 6 * c, 31);
    const at = (b: number, y: number, xx: number, ch: number) => ((b * 6 + y) * 6 + xx) * c + ch;
    x[at(0, 0, 0, 1)] = NaN; // first in its window
    x[at(0, 3, 3, 5)] = NaN; // last in its window
    x[at(1, 5, 5, 9)] = NaN; // in the scalar tail
    x[at(1, 2, 4, 7)] = Infinity;
    for (let y = 0; y < 2; y++) for (let xx = 2; xx < 4; xx++) x[at(1, y, xx, 2)] = -Infinity; // a window of −Infinity
    for (let y = 4; y < 6; y++) for (let xx = 0; xx < 2; xx++) x[at(0, y, xx, 0)] = y === 4 ? -0 : 0; // −0 and +0
    const L = new Layout();
    const px = L.put(x), py = L.space(2 * 3 * 3 * c);
    const out = both(L, (K) => K.pool(0, px, 2, 6, 6, c, 2, 2, 2, 2, 0, 0, 3, 3, py), py, 2 * 3 * 3 * c);
    const o = (b: number, y: number, xx: number, ch: number) => ((b * 3 + y) * 3 + xx) * c + ch;
    const finite = (v: Float32Array) => v.map((e) => (Number.isFinite(e) ? e : 0));
    for (const got of [out.js, out.wasm]) {
      expect(Array.from(got, Number.isNaN)).toEqual(Array.from(out.js, Number.isNaN));
      expect(got[o(0, 0, 0, 1)]).toBeNaN();
      expect(got[o(0, 1, 1, 5)]).toBeNaN();
      expect(got[o(1, 2, 2, 9)]).toBeNaN();
      expect(got[o(1, 1, 2, 7)]).toBe(Infinity);
      expect(got[o(1, 0, 1, 2)]).toBe(-Infinity);
      expect(got[o(0, 2, 0, 0)] === 0).toBe(true); // −0 or +0
      expect(maxRelativeError(finite(got), finite(out.js))).toBeLessThan(1e-6);
    }
    expect(Array.from(out.js, Number.isNaN).filter(Boolean).length).toBe(3);
  });
  it('add, channelAffine, clamp, softmax, copyRows, zeroPad on 7 channels', () => {
    const L = new Layout();
    const pa = L.put(seededValues(35, 25)), pb = L.put(seededValues(35, 26)), ps = L.put(seededValues(7, 27)), pt = L.put(seededValues(7, 28));
    const py = L.space(35), pz = L.space(5 * 10);
    close(both(L, (K) => K.add(pa, pb, 35, py, -0.5, 0.5), py, 35));
    close(both(L, (K) => K.channelAffine(pa, 5, 7, ps, pt, py, 0, Infinity), py, 35));
    close(both(L, (K) => K.clamp(pa, 35, py, 0, 6), py, 35));
    close(both(L, (K) => K.softmax(pa, 5, 7, py), py, 35));
    close(both(L, (K) => K.copyRows(pa, 5, 7, 7, pz + 12, 10), pz, 50));
    const pp = L.space(2 * 4 * 5 * 7);
    close(both(L, (K) => K.zeroPad(pa, 1, 1, 5, 7, 1, 2, 0, 0, pp), pp, 4 * 5 * 7));
  });
  it('softmax over 2 rows of 1003 classes (vector lanes and a scalar tail), logits -160..80, a -Infinity and a NaN row', () => {
    const c = 1003;
    const x = seededValues(3 * c, 29).map((v) => v * 120 - 40);
    x[5] = -Infinity;
    x[2 * c + 7] = Number.NaN;
    const L = new Layout();
    const px = L.put(x), py = L.space(3 * c);
    const out = both(L, (K) => K.softmax(px, 3, c, py), py, 3 * c);
    expect(maxRelativeError(out.wasm.subarray(0, 2 * c), out.js.subarray(0, 2 * c))).toBeLessThan(1e-5);
    expect(out.wasm[5]).toBe(0);
    expect(out.wasm.subarray(2 * c).every(Number.isNaN)).toBe(true);
    expect(out.js.subarray(2 * c).every(Number.isNaN)).toBe(true);
  });
});

describe('gemmI8 (int8 weights, activations quantized per row to 15 bits)', () => {
  for (const [m, k, n] of [[1, 5, 3], [3, 24, 4], [70, 37, 9], [2, 2100, 5]] as const) {
    it(`m=${m} k=${k} n=${n}: wasm and JS agree bit for bit, and match float within quantization error`, () => {
      const k8 = Math.ceil(k / 8) * 8;
      const wq = Int8Array.from(seededValues(k * n, 30, -128, 128), Math.floor);
      const panels = new Int8Array(Math.ceil(n / 4) * (k8 / 8) * 32);
      for (let r = 0; r < k; r++) for (let c = 0; c < n; c++) panels[(c >> 2) * k8 * 4 + (r >> 3) * 32 + (c & 3) * 8 + (r & 7)] = wq[r * n + c]!;
      const scale = new Float32Array(Math.ceil(n / 4) * 4);
      scale.set(seededValues(n, 31, 0.001, 0.01));
      const bias = seededValues(n, 32);
      const a = seededValues(m * k, 33);
      if (m === 3) a[k + 2] = NaN; // row 1 → NaN outputs
      const L = new Layout();
      const pa = L.put(a), pw = L.put(Uint8Array.from(panels, (v) => v & 0xff)), ps = L.put(scale), pb = L.put(bias);
      const pc = L.space(m * n), scratch = L.space(64 * k8 + 64);
      const out = both(L, (K) => K.gemmI8(pa, k, m, k, pw, n, pb, ps, pc, n, -Infinity, Infinity, scratch), pc, m * n);
      expect(Array.from(out.wasm)).toEqual(Array.from(out.js));
      const w = Float32Array.from(wq);
      const expected = naiveGemm(a, w, m, k, n, null, scale.subarray(0, n), -Infinity, Infinity).map((v, i) => v + bias[i % n]!);
      const finiteRows = (x: Float32Array) => x.filter((_, i) => !(m === 3 && Math.floor(i / n) === 1));
      expect(maxRelativeError(finiteRows(out.wasm), finiteRows(expected))).toBeLessThan(2e-4);
      if (m === 3) expect(Array.from(out.wasm.subarray(n, 2 * n)).every(Number.isNaN)).toBe(true);
    });
  }
});
});
