/**
 * smallnets/runtime: runs .snn files without TF.js. The container is read once (src/format), the Keras
 * graph planned once (BatchNorm folded, activations fused, buffers laid out), and each layer given a
 * kernel from its stored encoding: dense GEMM, sparse CSC, codebook or int8 panels.
 */
import { UsageError } from '../errors.js';
import { decodeSnn } from '../format/reader.js';
import type { SnnModel, SnnTensor } from '../format/spec.js';
import { fuseGraph } from './fuse.js';
import { buildGraph } from './graph.js';
import { JsMemory, WasmMemory, type EngineMemory } from './memory.js';
import { RuntimeModel } from './model.js';
import { planOps } from './plan.js';
import { readSnnBytes } from './read-location.js';
import { parseTopology } from './topology.js';
import { compileKernels, instantiateKernels, kernelsUrl, sharedKernelModule, simdSupported } from './wasm-module.js';
import { MAX_THREADS, ThreadPool } from './threads.js';

export { RuntimeModel, type RuntimeDescription } from './model.js';
export { runtimeAccuracy } from './accuracy.js';
export type { LayerReport } from './plan.js';
export type { EngineKind } from './memory.js';

export interface RuntimeOptions {
  /** 'auto' (default): WebAssembly SIMD where available, else JS. 'js' forces the pure-JS kernels. */
  engine?: 'auto' | 'wasm' | 'js';
  /** 'auto' (default) picks sparse/codebook/int8 kernels from the stored encoding; 'dense' runs every layer dense. */
  kernels?: 'auto' | 'dense';
  /**
   * true: layers stored as 8-bit affine weights with (q − zeroPoint) in int8 and at most 16 rows per sample (late
   * 1×1 convolutions, Dense layers) run integer dot products (i32x4.dot_i16x8_s) on activations quantized per row
   * to 15 bits — faster there, outputs move ~1e-4 relative; layers with more rows keep the exact u8 panels, which
   * are faster for them (pack.ts I8_MAX_ROWS).
   * false (default): their weights are decoded in registers and the arithmetic is float32.
   */
  quantizeActivations?: boolean;
  /** Threads for batches ≥ 16 (Node; default 1 = no workers; 2 = the caller plus one worker). */
  threads?: number;
  /**
   * Where smallnets-runtime.wasm is (a URL, or in a page a path relative to it). Default: beside the
   * runtime's own module — right for dist/runtime and dist/browser/smallnets-runtime.js; an app that
   * bundles the runtime into its own chunks copies the .wasm somewhere and says where.
   */
  wasmUrl?: string | URL;
  /**
   * true (default): where the engine validates relaxed SIMD (Chrome ≥ 114, Node ≥ 22; Node 20 with
   * --experimental-wasm-relaxed-simd), run the `-relaxed.wasm` build beside `wasmUrl`, whose multiply-adds are
   * fused (FMA) — ~1.6× the dense GEMM's throughput on x86; the last bits of outputs then depend on the CPU.
   * false: the plain SIMD128 build, bit-identical on every machine.
   */
  relaxedSimd?: boolean;
}

/** Plan a decoded .snn model and place it in engine memory. */
export function planModel(snn: SnnModel, memory: (bytes: number) => EngineMemory, options: RuntimeOptions = {}): RuntimeModel {
  const kernels = options.kernels ?? 'auto';
  if (kernels !== 'auto' && kernels !== 'dense') throw new UsageError(`\`kernels\` must be auto or dense, got ${String(kernels)}`);
  const topology = parseTopology(snn.topology);
  const nodes = buildGraph(topology);
  const byName = new Map<string, SnnTensor>(snn.tensors.map((t) => [t.name, t]));
  const ops = fuseGraph(nodes, (layer, weight) => byName.get(`${layer}/${weight}`));
  const shapeOf = (value: number): number[] => {
    if (value >= 0) return nodes[value]!.shape;
    // The depthwise half of a separable layer (fuse.ts names it −(layer index + 1)).
    const op = ops.find((o) => o.kind === 'depthwise' && o.output === value);
    if (op === undefined || op.kind !== 'depthwise') throw new Error(`internal: unknown value ${value}`);
    return [op.geometry.outH, op.geometry.outW, op.geometry.c * op.mult];
  };
  const output = nodes.findIndex((n) => n.name === topology.output);
  const plan = planOps(ops, shapeOf, 0, output, { kernels, quantizeActivations: options.quantizeActivations === true });
  return new RuntimeModel(plan, memory(0), topology.inputShape);
}

/** Worker threads need Node (worker_threads) and shareable memory; a browser page stays single-threaded. */
function canShareMemory(): boolean {
  const g = globalThis as { process?: { versions?: { node?: string } }; SharedArrayBuffer?: unknown };
  return typeof g.SharedArrayBuffer === 'function' && typeof g.process?.versions?.node === 'string';
}

/**
 * Load a .snn model from bytes, a path (Node) or a URL, and plan it for inference.
 * @example
 * const net = await loadRuntimeModel('out/lenet5.snn');
 * const scores = net.predict(new Float32Array(28 * 28), 1); // 10 probabilities
 * console.log(net.describe().layers.map((l) => `${l.name}: ${l.kernel}`));
 * net.dispose();
 * // In an app that bundles the runtime itself, say where its .wasm was copied:
 * const web = await loadRuntimeModel(bytes, { wasmUrl: 'smallnets-runtime.wasm' });
 */
export async function loadRuntimeModel(source: Uint8Array | string, options: RuntimeOptions = {}): Promise<RuntimeModel> {
  const bytes = typeof source === 'string' ? await readSnnBytes(source) : source;
  if (!(bytes instanceof Uint8Array)) throw new UsageError('`source` must be a Uint8Array, a path or a URL');
  const engine = options.engine ?? 'auto';
  if (engine !== 'auto' && engine !== 'wasm' && engine !== 'js') throw new UsageError(`\`engine\` must be auto, wasm or js, got ${String(engine)}`);
  const wasmUrl = kernelsUrl(options.wasmUrl);
  const snn = decodeSnn(bytes);
  if (engine === 'js' || (engine === 'auto' && !simdSupported())) return planModel(snn, (size) => new JsMemory(Math.max(size, 1 << 16)), options);
  if (!simdSupported()) throw new UsageError('`engine` wasm needs WebAssembly SIMD128, which this JavaScript engine lacks');
  const threads = options.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) throw new UsageError(`\`threads\` must be an integer in [1, ${MAX_THREADS}], got ${threads}`);
  const relaxed = options.relaxedSimd ?? true;
  const { plain, relaxed: fused } = await compileKernels(wasmUrl, relaxed);
  if (threads === 1 || !canShareMemory()) {
    return planModel(snn, () => {
      const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536 });
      return new WasmMemory(memory, instantiateKernels(plain, memory), fused);
    }, options);
  }
  const shared = await sharedKernelModule(wasmUrl, relaxed);
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
  const net = planModel(snn, () => new WasmMemory(memory, instantiateKernels(shared, memory), fused), options);
  try {
    net.attachPool(await ThreadPool.start(threads - 1, shared, memory, net.plan));
  } catch (error) {
    net.dispose();
    throw error;
  }
  return net;
}
