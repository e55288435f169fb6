/**
 * Running .onnx files with onnxruntime-node: one-off inference and batched MNIST accuracy (what
 * openModel's ONNX models evaluate with, so `smallnets evaluate FILE.onnx` works).
 *
 * onnxruntime-node is a development dependency: it is imported lazily, only when a model is run,
 * so exporting never needs it; without it, running fails with a one-line RuntimeError.
 */
import { readFile } from 'node:fs/promises';
import { RuntimeError } from '../errors.js';
import { imageShape, imageSize, type Split } from '../data/split.js';
import type { onnx as OnnxTypes } from 'onnx-proto';
import { decodeOnnx, onnx } from './onnx-builder.js';

type Ort = typeof import('onnxruntime-node');
type Session = Awaited<ReturnType<Ort['InferenceSession']['create']>>;

let ortModule: Promise<Ort> | undefined;

/**
 * Session options that run the model as written. onnxruntime ≥ 1.2x fuses a weight-only
 * DequantizeLinear → MatMul/Gemm into MatMulNBits and by default (accuracy level 4) quantizes the
 * activations to int8 there, which moves outputs by ~1e-4–1e-3; level 0 keeps float32 activations,
 * so results equal the dequantized float model's.
 */
export const EXACT_SESSION_OPTIONS = {
  graphOptimizationLevel: 'all',
  extra: { session: { qdq_matmulnbits_accuracy_level: '0' } },
} as const;

async function loadOrt(): Promise<Ort> {
  ortModule ??= import('onnxruntime-node').catch(() => {
    ortModule = undefined;
    throw new RuntimeError('running .onnx models needs onnxruntime-node, which is not installed (npm install --save-dev onnxruntime-node)');
  });
  return ortModule;
}

/** What the file declares about its first input and output, plus its weight count. */
export interface OnnxModelInfo {
  inputName: string;
  /** Dimensions of the first graph input; symbolic dimensions are null. */
  inputShape: (number | null)[];
  outputName: string;
  /** Weight elements (initializers feeding weight inputs, as Keras counts parameters). */
  params: number;
}

/** Ops whose inputs after the first are weights, and DequantizeLinear whose first input is. */
const WEIGHT_INPUTS: Record<string, (index: number) => boolean> = {
  Conv: (i) => i >= 1,
  Gemm: (i) => i >= 1,
  MatMul: (i) => i >= 1,
  Add: (i) => i >= 1,
  BatchNormalization: (i) => i >= 1,
  DequantizeLinear: (i) => i === 0,
};

/** Largest fixed batch a model's input may declare (evaluation allocates a whole batch at once). */
export const MAX_ONNX_FIXED_BATCH = 4096;
/** Largest size of any declared dimension. */
export const MAX_ONNX_DIM = 2 ** 24;

/** Bytes per element of the initializer types the evaluator and exporter know (others are refused). */
const ELEMENT_BYTES: Readonly<Record<number, number>> = { 1: 4, 2: 1, 3: 1, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8 };

type TensorProto = OnnxTypes.ITensorProto;

/**
 * An initializer's element count, refused unless its dims are sane and its data holds exactly that
 * many elements — so no count in the file can claim more memory than the file's own bytes.
 */
function checkInitializer(t: TensorProto, where: string): number {
  const name = JSON.stringify(t.name ?? '');
  const dims = (t.dims ?? []).map((d) => Number(d));
  if (dims.length > 8 || !dims.every((d) => Number.isInteger(d) && d >= 0 && d <= MAX_ONNX_DIM)) {
    throw new RuntimeError(`${where}: initializer ${name} has invalid dims [${(t.dims ?? []).join(', ')}]`);
  }
  const elements = dims.reduce((a, d) => a * d, 1);
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL || (t.externalData ?? []).length > 0) {
    throw new RuntimeError(`${where}: initializer ${name} keeps its data in an external file, which smallnets does not read`);
  }
  const bytes = ELEMENT_BYTES[t.dataType ?? 0];
  if (bytes === undefined) throw new RuntimeError(`${where}: initializer ${name} has unsupported data type ${t.dataType}`);
  const raw = t.rawData?.length ?? 0;
  const typed = (t.floatData?.length ?? 0) + (t.int32Data?.length ?? 0) + (t.int64Data?.length ?? 0) + (t.doubleData?.length ?? 0) + (t.uint64Data?.length ?? 0);
  const held = raw > 0 ? raw / bytes : typed;
  if (held !== elements || (raw > 0 && typed > 0)) {
    throw new RuntimeError(`${where}: initializer ${name} declares dims [${dims.join(', ')}] (${elements} values) but holds ${raw > 0 ? `${raw} bytes` : `${typed} values`}`);
  }
  return elements;
}

function checkedDim(d: { dimValue?: unknown; dimParam?: string | null }, i: number, where: string): number | null {
  if (d.dimValue === undefined || d.dimValue === null) return null;
  const value = Number(d.dimValue);
  if (value <= 0) return null;
  const cap = i === 0 ? MAX_ONNX_FIXED_BATCH : MAX_ONNX_DIM;
  if (!Number.isInteger(value) || value > cap) throw new RuntimeError(`${where}: input dimension ${i} is ${String(d.dimValue)}, over the ${cap} smallnets accepts`);
  return value;
}

/** Inspect an ONNX file without running it; every initializer and the input's dims are checked. */
export function onnxModelInfo(bytes: Uint8Array, where = 'ONNX model'): OnnxModelInfo {
  let model;
  try {
    model = decodeOnnx(bytes);
  } catch (error) {
    throw new RuntimeError(`${where} is not a valid ONNX file: ${String((error as Error)?.message ?? error).split('\n')[0]}`);
  }
  const graph = model.graph;
  if (!graph) throw new RuntimeError(`${where} has no graph`);
  const initializers = new Map<string, TensorProto>();
  for (const t of graph.initializer ?? []) {
    checkInitializer(t, where);
    initializers.set(t.name ?? '', t);
  }
  const inputs = (graph.input ?? []).filter((v) => !initializers.has(v.name ?? ''));
  const input = inputs[0];
  const output = (graph.output ?? [])[0];
  if (!input || !output) throw new RuntimeError(`${where} declares no graph input or output`);
  const dims = input.type?.tensorType?.shape?.dim ?? [];
  if (dims.length > 8) throw new RuntimeError(`${where}: input has ${dims.length} dimensions`);
  const inputShape = dims.map((d, i) => checkedDim(d, i, where));
  const counted = new Set<string>();
  let params = 0;
  for (const node of graph.node ?? []) {
    const isWeight = WEIGHT_INPUTS[node.opType ?? ''];
    if (!isWeight) continue;
    (node.input ?? []).forEach((name, i) => {
      const t = initializers.get(name);
      if (!t || !isWeight(i) || counted.has(name)) return;
      counted.add(name);
      params += (t.dims ?? []).reduce<number>((a, d) => a * Number(d), 1);
    });
  }
  return { inputName: input.name ?? '', inputShape, outputName: output.name ?? '', params };
}

/** An onnxruntime session over one model, fed float32 batches through its first input. */
export class OnnxRunner {
  private constructor(
    private readonly session: Session,
    private readonly ort: Ort,
    readonly info: OnnxModelInfo,
  ) {}

  /** Load from a path or from bytes. */
  static async create(model: string | Uint8Array): Promise<OnnxRunner> {
    const where = typeof model === 'string' ? model : 'ONNX model';
    const bytes = typeof model === 'string' ? await readBytes(model) : model;
    const info = onnxModelInfo(bytes, where);
    const ort = await loadOrt();
    let session: Session;
    try {
      session = await ort.InferenceSession.create(bytes, EXACT_SESSION_OPTIONS);
    } catch (error) {
      throw new RuntimeError(`onnxruntime cannot load ${where}: ${(error as Error).message.split('\n')[0]}`);
    }
    return new OnnxRunner(session, ort, info);
  }

  /** Run a batch; returns the first output. */
  async run(data: Float32Array, shape: readonly number[]): Promise<{ data: Float32Array; shape: number[] }> {
    const input = new this.ort.Tensor('float32', data, [...shape]);
    let result;
    try {
      result = await this.session.run({ [this.info.inputName]: input });
    } catch (error) {
      throw new RuntimeError(`onnxruntime failed: ${(error as Error).message.split('\n')[0]}`);
    }
    const out = result[this.info.outputName]!;
    if (out.type !== 'float32') throw new RuntimeError(`ONNX output ${this.info.outputName} is ${out.type}, expected float32`);
    return { data: out.data as Float32Array, shape: [...out.dims] };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

async function readBytes(file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new RuntimeError(`cannot read ${file}${code === 'ENOENT' ? ': no such file' : `: ${code ?? (error as Error).message}`}`);
  }
}

/** Run `model` once on `data` (shape includes the batch). */
export async function runOnnx(model: string | Uint8Array, data: Float32Array, shape: readonly number[]): Promise<{ data: Float32Array; shape: number[] }> {
  const runner = await OnnxRunner.create(model);
  try {
    return await runner.run(data, shape);
  } finally {
    await runner.release();
  }
}

/** Per-image input shape for the split's images, from the model's declared input (e.g. [28, 28, 1] or [784]). */
function inputShapeOf(info: OnnxModelInfo, split: Split, where: string): number[] {
  const rest = info.inputShape.slice(1);
  const known = rest.every((d): d is number => d !== null);
  const size = known ? rest.reduce((a, b) => a * b, 1) : 0;
  if (!known || size !== imageSize(split)) {
    throw new RuntimeError(`${where} takes input [${info.inputShape.map((d) => d ?? '?').join(', ')}], not ${imageShape(split).join('×')} images`);
  }
  return rest;
}

/**
 * Accuracy of an ONNX classifier (argmax of its first output) on a split, batched.
 * @example
 * const accuracy = await evaluateOnnx('lenet5.onnx', loadMnist().test);
 */
export async function evaluateOnnx(model: string | Uint8Array, split: Split, batchSize = 500, where = typeof model === 'string' ? model : 'ONNX model'): Promise<number> {
  const runner = await OnnxRunner.create(model);
  try {
    return await evaluateWith(runner, split, batchSize, where);
  } finally {
    await runner.release();
  }
}

async function evaluateWith(runner: OnnxRunner, split: Split, batchSize: number, where: string): Promise<number> {
  if (split.count === 0) return 0;
  const shape = inputShapeOf(runner.info, split, where);
  const fixedBatch = runner.info.inputShape[0];
  const fixed = typeof fixedBatch === 'number';
  const batch = fixed ? fixedBatch : batchSize;
  const pixels = imageSize(split);
  let correct = 0;
  for (let start = 0; start < split.count; start += batch) {
    const n = Math.min(batch, split.count - start);
    // A fixed-batch model gets its last partial batch zero-padded.
    const data = new Float32Array((fixed ? batch : n) * pixels);
    data.set(split.images.subarray(start * pixels, (start + n) * pixels));
    const out = await runner.run(data, [data.length / pixels, ...shape]);
    const classes = out.data.length / (data.length / pixels);
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let c = 1; c < classes; c++) if (out.data[i * classes + c]! > out.data[i * classes + best]!) best = c;
      if (best === split.labels[start + i]) correct++;
    }
  }
  return correct / split.count;
}
