/**
 * Runs a plan's steps for `batch` samples on one kernel set (wasm or JS) over one arena. The same
 * function runs on the main thread and in worker threads; it allocates nothing.
 */
import { SPMM_CONV_ROWS, im2colTileRows, usesDirectConv, type Kernels } from './kernels/api.js';
import type { ArenaLayout } from './arena.js';
import type { Plan, Slot, Step } from './plan.js';

function matmul(k: Kernels, s: Extract<Step, { kind: 'matmul' }>, a: number, c: number, m: number, scratch: ArenaLayout, base: number): void {
  const lda = s.k;
  switch (s.form) {
    case 'dense':
      k.gemm(a, lda, m, s.k, s.w, s.n, s.bias, s.scale, c, s.n, s.lo, s.hi);
      return;
    case 'codebook':
      k.gemmCodebook(a, lda, m, s.k, s.w, s.w2, s.n, s.bias, s.scale, c, s.n, s.lo, s.hi, base + scratch.panel);
      return;
    case 'q8':
      k.gemmQ8(a, lda, m, s.k, s.w, s.w2, s.n, s.bias, s.scale, c, s.n, s.lo, s.hi, base + scratch.panel);
      return;
    case 'i8':
      k.gemmI8(a, lda, m, s.k, s.w, s.n, s.bias, s.scale, c, s.n, s.lo, s.hi, base + scratch.panel);
      return;
    case 'sparse':
      k.spmm(a, lda, m, s.k, s.w, s.w2, s.w3, s.n, s.bias, c, s.n, s.lo, s.hi, base + scratch.transposed);
      return;
  }
}

/** Where a run reads its input and writes its output instead of the arena's slots (byte offsets). */
export interface PlanIo {
  input: number;
  output: number;
}

/** Byte address of a value: its arena slot, or the caller's input/output address (no closure: runPlan allocates nothing). */
function valueAddress(plan: Plan, layout: ArenaLayout, base: number, io: PlanIo | undefined, value: number): number {
  if (io !== undefined) {
    if (value === plan.input) return io.input;
    if (value === plan.output) return io.output;
  }
  return base + layout.offsets[value]!;
}

/**
 * Execute every step. `base` is the arena's byte offset in the kernels' memory; with `io` the model input is
 * read from, and its output written to, those addresses (a batch chunk in place, no copies; the plan's input
 * and output must be different values).
 * @example runPlan(kernels, plan, layout, arenaBase, 1);
 */
export function runPlan(k: Kernels, plan: Plan, layout: ArenaLayout, base: number, batch: number, io?: PlanIo): void {
  const at = (slot: Slot): number => valueAddress(plan, layout, base, io, slot.value);
  for (const s of plan.steps) {
    switch (s.kind) {
      case 'matmul': {
        const a = at(s.a);
        const c = at(s.c);
        const g = s.geometry;
        if (g === null) {
          matmul(k, s, a, c, batch * s.rows, layout, base);
          break;
        }
        const total = batch * s.rows;
        let m0 = 0;
        if (s.form === 'sparse') {
          // Whole 32-row tiles: im2col fused into the sparse kernel's transposed tile; the rest as below.
          const scratch = base + layout.transposed;
          for (; m0 + SPMM_CONV_ROWS <= total; m0 += SPMM_CONV_ROWS) {
            k.spmmConv(a, g.h, g.w, g.c, g.kh, g.kw, g.sh, g.sw, g.padT, g.padL, g.outH, g.outW, m0, s.k, s.w, s.w2, s.w3, s.n, s.bias, c + 4 * m0 * s.n, s.n, s.lo, s.hi, scratch);
          }
        }
        const tile = base + layout.im2col;
        const tileRows = im2colTileRows(s.k);
        for (; m0 < total; m0 += tileRows) {
          const count = Math.min(tileRows, total - m0);
          if (usesDirectConv(s.form, s.n)) {
            k.convDense(a, g.h, g.w, g.c, g.kh, g.kw, g.sh, g.sw, g.padT, g.padL, g.outH, g.outW, m0, count, s.w, s.n, s.bias, c + 4 * m0 * s.n, s.n, s.lo, s.hi, tile);
            continue;
          }
          k.im2col(a, g.h, g.w, g.c, g.kh, g.kw, g.sh, g.sw, g.padT, g.padL, g.outH, g.outW, m0, count, tile);
          matmul(k, s, tile, c + 4 * m0 * s.n, count, layout, base);
        }
        break;
      }
      case 'depthwise': {
        const g = s.g;
        k.depthwise(at(s.x), batch, g.h, g.w, g.c, g.kh, g.kw, g.sh, g.sw, g.padT, g.padL, g.outH, g.outW, s.mult, s.w, s.bias, at(s.y), s.lo, s.hi, s.padded ? base + layout.im2col : 0);
        break;
      }
      case 'pool': {
        const g = s.g;
        k.pool(s.mode, at(s.x), batch, g.h, g.w, g.c, g.kh, g.kw, g.sh, g.sw, g.padT, g.padL, g.outH, g.outW, at(s.y));
        break;
      }
      case 'globalPool':
        k.globalPool(s.mode, at(s.x), batch, s.hw, s.c, at(s.y));
        break;
      case 'add':
        k.add(at(s.a), at(s.b), batch * s.size, at(s.y), s.lo, s.hi);
        break;
      case 'affine':
        k.channelAffine(at(s.x), (batch * s.size) / s.c, s.c, s.scale, s.shift, at(s.y), s.lo, s.hi);
        break;
      case 'clamp':
        k.clamp(at(s.x), batch * s.size, at(s.y), s.lo, s.hi);
        break;
      case 'softmax':
        k.softmax(at(s.x), (batch * s.size) / s.c, s.c, at(s.y));
        break;
      case 'copy':
        // A concatenation slice: offset counts channels within each row, not whole-value floats.
        k.copyRows(at(s.x), batch * s.rows, s.cols, s.srcStride, valueAddress(plan, layout, base, io, s.y.value) + 4 * s.y.offset, s.dstStride);
        break;
      case 'zeroPad':
        k.zeroPad(at(s.x), batch, s.h, s.w, s.c, s.pad[0], s.pad[1], s.pad[2], s.pad[3], at(s.y));
        break;
    }
  }
}
