/**
 * Fused ops → an execution plan: kernel calls with their weights placed in one read-only weight region
 * and their activations given slots in a per-thread arena (arena.ts), plus what describe() reports.
 * Planning happens once per model; running a plan allocates nothing.
 */
import { RuntimeError } from '../errors.js';
import { PANEL, TILE_ROWS, depthwisePaddedFloats, im2colTileRows, spmmScratchFloats, usesDirectConv } from './kernels/api.js';
import type { ConvGeometry, Op } from './fuse.js';
import type { Clamp } from './layers.js';
import { KERNEL_COST, chooseForm, modelledMatmulNs, packWeights, packedBytes, panelCount, type FormOptions, type PackedWeights, type WeightForm } from './pack.js';

/** Where a step reads or writes: a value slot plus a float offset inside it (concatenation slices). */
export interface Slot {
  value: number;
  offset: number;
}

export type Step =
  | {
      kind: 'matmul'; form: WeightForm; a: Slot; c: Slot; geometry: ConvGeometry | null; rows: number; k: number; n: number;
      w: number; w2: number; w3: number; bias: number; scale: number; lo: number; hi: number;
    }
  | {
      kind: 'depthwise'; x: Slot; y: Slot; g: ConvGeometry; mult: number; w: number; bias: number; lo: number; hi: number;
      /** Run on a zero-padded copy in the im2col scratch (depthwisePaddedFloats; finite weights only: 0·∞ is NaN). */
      padded: boolean;
    }
  | { kind: 'pool'; mode: number; x: Slot; y: Slot; g: ConvGeometry }
  | { kind: 'globalPool'; mode: number; x: Slot; y: Slot; hw: number; c: number }
  | { kind: 'add'; a: Slot; b: Slot; y: Slot; size: number; lo: number; hi: number }
  | { kind: 'affine'; x: Slot; y: Slot; c: number; size: number; scale: number; shift: number; lo: number; hi: number }
  | { kind: 'clamp'; x: Slot; y: Slot; size: number; lo: number; hi: number }
  | { kind: 'softmax'; x: Slot; y: Slot; c: number; size: number }
  | { kind: 'copy'; x: Slot; y: Slot; cols: number; srcStride: number; dstStride: number; rows: number }
  | { kind: 'zeroPad'; x: Slot; y: Slot; h: number; w: number; c: number; pad: [number, number, number, number] };

export interface LayerReport {
  name: string;
  kernel: string;
  /** Resident weight bytes (packed weights, tables, biases, scales). */
  weightBytes: number;
  /** The same weights as float32. */
  float32Bytes: number;
  macsPerSample: number;
}

export interface Plan {
  steps: Step[];
  /** Weight region contents: byte offset (from WEIGHT_BASE) → bytes. */
  weights: Array<{ offset: number; bytes: Uint8Array }>;
  weightBytes: number;
  /** Per-sample floats of each value slot (index = Slot.value). */
  valueSizes: number[];
  /** [first step writing, last step reading] of each value (−1: written before the first step). */
  lifetimes: Array<[number, number]>;
  input: number;
  output: number;
  inputSize: number;
  outputSize: number;
  outputShape: number[];
  /** Scratch floats per thread: im2col tile (also a small depthwise conv's padded image), transposed tile for spmm, decoded panel. */
  scratchFloats: { im2col: number; transposed: number; panel: number };
  layers: LayerReport[];
  /** Modelled nanoseconds per sample in a batch, matrix products and depthwise convolutions (KERNEL_COST): gates threads. */
  nsPerSample: number;
}

/** The first 16 bytes of every memory stay unused so that pointer 0 can mean "absent". */
export const WEIGHT_BASE = 16;
const align16 = (n: number): number => Math.ceil(n / 16) * 16;

class WeightRegion {
  readonly chunks: Array<{ offset: number; bytes: Uint8Array }> = [];
  size = 0;
  add(data: ArrayBufferView | null): number {
    if (data === null) return 0;
    const offset = WEIGHT_BASE + this.size;
    this.chunks.push({ offset, bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
    this.size += align16(data.byteLength);
    return offset;
  }
}

const KERNEL_NAMES: Record<WeightForm, string> = {
  dense: 'gemm f32 4x8',
  codebook: 'gemm codebook u8',
  q8: 'gemm u8 affine',
  i8: 'gemm int8 dot',
  sparse: 'spmm csc',
};

/**
 * Plan the ops of one model. `shapes` gives the per-sample shape of every graph value.
 * @example const plan = planOps(ops, (v) => shapes[v], inputValue, outputValue, { kernels: 'auto' });
 */
export function planOps(ops: Op[], shapeOf: (value: number) => number[], input: number, output: number, options: FormOptions): Plan {
  const region = new WeightRegion();
  const slots = new Map<number, number>();
  const valueSizes: number[] = [];
  const lifetimes: Array<[number, number]> = [];
  const steps: Step[] = [];
  const layers: LayerReport[] = [];
  const scratchFloats = { im2col: 0, transposed: 0, panel: 0 };

  const slotOf = (value: number, size: number): number => {
    let s = slots.get(value);
    if (s === undefined) {
      s = valueSizes.length;
      slots.set(value, s);
      valueSizes.push(size);
      lifetimes.push([steps.length, steps.length]);
    }
    return s;
  };
  const sizeOf = (value: number) => shapeOf(value).reduce((a, b) => a * b, 1);
  const read = (value: number, offset = 0): Slot => {
    const s = slots.get(value);
    if (s === undefined) throw new RuntimeError(`internal: value ${value} is read before it is written`);
    lifetimes[s]![1] = Math.max(lifetimes[s]![1], steps.length);
    return { value: s, offset };
  };
  const write = (value: number, size: number, offset = 0): Slot => ({ value: slotOf(value, size), offset });
  const clampArgs = (c: Clamp) => ({ lo: c.lo, hi: c.hi });

  const inputSlot = slotOf(input, sizeOf(input));
  lifetimes[inputSlot] = [-1, -1];

  let nsPerSample = 0;
  for (const op of ops) {
    switch (op.kind) {
      case 'alias': {
        const s = slots.get(op.input);
        if (s === undefined) throw new RuntimeError(`internal: alias of unknown value`);
        slots.set(op.output, s);
        continue;
      }
      case 'matmul': {
        const form = chooseForm(op.kernel, options, { rows: op.rows, k: op.k, n: op.n });
        const packed: PackedWeights = packWeights(op.kernel, op.k, op.n, form, op.scale);
        const a = read(op.input);
        const c = write(op.output, op.rows * op.n);
        const w = packed.form === 'sparse' ? region.add(packed.counts) : region.add(packed.panels);
        const w2 = packed.form === 'sparse' ? region.add(packed.rows) : packed.form === 'codebook' ? region.add(packed.table) : packed.form === 'q8' ? region.add(packed.zeroPoint) : 0;
        const w3 = packed.form === 'sparse' ? region.add(packed.values) : 0;
        const bias = region.add(op.bias);
        const epilogueScale = packed.form === 'q8' || packed.form === 'i8' ? packed.columnScale : packed.form === 'codebook' ? op.scale : null;
        const scale = region.add(epilogueScale);
        if (op.geometry !== null) scratchFloats.im2col = Math.max(scratchFloats.im2col, im2colTileRows(op.k) * op.k);
        if (form === 'sparse') scratchFloats.transposed = Math.max(scratchFloats.transposed, spmmScratchFloats(op.k));
        if (form === 'codebook' || form === 'q8') scratchFloats.panel = Math.max(scratchFloats.panel, PANEL * op.k + 16);
        // 64 rows × K (padded to 8) int16 + 64 row scales.
        if (form === 'i8') scratchFloats.panel = Math.max(scratchFloats.panel, TILE_ROWS * Math.ceil(op.k / 8) * 4 + TILE_ROWS);
        steps.push({ kind: 'matmul', form, a, c, geometry: op.geometry, rows: op.rows, k: op.k, n: op.n, w, w2, w3, bias, scale, ...clampArgs(op.clamp) });
        // Per sample of a batch of 32 (the sparse tile): threads only ever split batches, and a Dense layer's cost per
        // row at batch 1 (a gather, or a row streaming the weights) is not its cost per row in a batch.
        const modelledRows = op.rows * 32;
        nsPerSample += modelledMatmulNs(packed.form === 'sparse' ? 'sparse' : 'dense', modelledRows, op.k, op.n, packed.form === 'sparse' ? packed.values.length : op.k * op.n) / 32;
        const residentBytes = packedBytes(packed) + (op.bias?.byteLength ?? 0) + (form === 'codebook' ? (op.scale?.byteLength ?? 0) : 0);
        const kernelName = packed.form === 'codebook' && packed.panels.length * 2 === panelCount(op.n) * op.k * PANEL ? 'gemm codebook u4' : KERNEL_NAMES[form];
        layers.push({ name: op.name, kernel: `${kernelName}${op.geometry ? (usesDirectConv(form, op.n) ? ' (direct)' : ' (im2col)') : ''}`, weightBytes: residentBytes, float32Bytes: 4 * (op.k * op.n + (op.bias ? op.n : 0)), macsPerSample: op.rows * op.k * op.n });
        continue;
      }
      case 'depthwise': {
        const g = op.geometry;
        const co = g.c * op.mult;
        const x = read(op.input);
        const w = region.add(op.weights);
        const bias = region.add(op.bias);
        // A small padded depthwise conv copies each image into the im2col scratch with its zero border.
        // The padded copy multiplies its zero border by every tap: with an infinite or NaN weight that gives NaN where
        // the clipped window (and the JS fallback) skips the tap, so such weights keep the clipped kernel.
        const paddedFloats = op.weights.every(Number.isFinite) ? depthwisePaddedFloats(g, op.mult) : 0;
        scratchFloats.im2col = Math.max(scratchFloats.im2col, paddedFloats);
        steps.push({ kind: 'depthwise', x, y: write(op.output, g.outH * g.outW * co), g, mult: op.mult, w, bias, ...clampArgs(op.clamp), padded: paddedFloats > 0 });
        nsPerSample += (g.outH * g.outW * co * g.kh * g.kw) / KERNEL_COST.depthwiseMacsPerNs;
        layers.push({ name: op.name, kernel: 'depthwise f32', weightBytes: op.weights.byteLength + (op.bias?.byteLength ?? 0), float32Bytes: op.weights.byteLength + (op.bias?.byteLength ?? 0), macsPerSample: g.outH * g.outW * co * g.kh * g.kw });
        continue;
      }
      case 'pool': {
        const g = op.geometry;
        steps.push({ kind: 'pool', mode: op.mode, x: read(op.input), y: write(op.output, g.outH * g.outW * g.c), g });
        continue;
      }
      case 'globalPool':
        steps.push({ kind: 'globalPool', mode: op.mode, x: read(op.input), y: write(op.output, op.c), hw: op.hw, c: op.c });
        continue;
      case 'add': {
        const size = sizeOf(op.output);
        let a = read(op.inputs[0]!);
        for (let j = 1; j < op.inputs.length; j++) {
          const last = j === op.inputs.length - 1;
          const b = read(op.inputs[j]!);
          const y = write(op.output, size);
          steps.push({ kind: 'add', a, b, y, size, ...(last ? clampArgs(op.clamp) : { lo: -Infinity, hi: Infinity }) });
          a = read(op.output);
        }
        continue;
      }
      case 'concat': {
        const shape = shapeOf(op.output);
        const total = shape[shape.length - 1]!;
        const rows = sizeOf(op.output) / total;
        let offset = 0;
        for (const v of op.inputs) {
          const cols = shapeOf(v)[shapeOf(v).length - 1]!;
          const x = read(v);
          steps.push({ kind: 'copy', x, y: write(op.output, rows * total, offset), cols, srcStride: cols, dstStride: total, rows });
          offset += cols;
        }
        continue;
      }
      case 'affine': {
        const size = sizeOf(op.output);
        const x = read(op.input);
        steps.push({ kind: 'affine', x, y: write(op.output, size), c: op.c, size, scale: region.add(op.scale), shift: region.add(op.shift), ...clampArgs(op.clamp) });
        layers.push({ name: op.name, kernel: 'batchnorm affine', weightBytes: 8 * op.c, float32Bytes: 16 * op.c, macsPerSample: size });
        continue;
      }
      case 'clamp': {
        const size = sizeOf(op.output);
        const x = read(op.input);
        steps.push({ kind: 'clamp', x, y: write(op.output, size), size, ...clampArgs(op.clamp) });
        continue;
      }
      case 'softmax': {
        const size = sizeOf(op.output);
        const x = read(op.input);
        steps.push({ kind: 'softmax', x, y: write(op.output, size), c: op.c, size });
        continue;
      }
      case 'zeroPad': {
        const [h, w, c] = shapeOf(op.input) as [number, number, number];
        const x = read(op.input);
        steps.push({ kind: 'zeroPad', x, y: write(op.output, sizeOf(op.output)), h, w, c, pad: op.pad });
        continue;
      }
    }
  }
  const out = read(output);
  lifetimes[out.value]![1] = Number.MAX_SAFE_INTEGER;
  return {
    steps,
    weights: region.chunks,
    weightBytes: region.size,
    valueSizes,
    lifetimes,
    input: inputSlot,
    output: out.value,
    inputSize: sizeOf(input),
    outputSize: sizeOf(output),
    outputShape: shapeOf(output),
    scratchFloats,
    layers,
    nsPerSample,
  };
}
