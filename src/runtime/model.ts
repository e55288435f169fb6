/**
 * A planned, loaded model: its weights placed once in engine memory, activations in a reused arena,
 * `predict` copying the input in, running the plan, and copying the output out.
 */
import { UsageError, RuntimeError } from '../errors.js';
import { layoutArena, type ArenaLayout } from './arena.js';
import { runPlan } from './execute.js';
import type { EngineMemory, EngineKind } from './memory.js';
import { WEIGHT_BASE, type LayerReport, type Plan } from './plan.js';
import { chunkSamples, runChunks } from './batch-chunks.js';
import { splitsBatch, type ThreadPool } from './threads.js';

export interface RuntimeDescription {
  engine: EngineKind;
  /** The wasm kernels are the relaxed-SIMD build (fused multiply-adds). */
  relaxedSimd: boolean;
  threads: number;
  inputShape: number[];
  outputShape: number[];
  layers: LayerReport[];
  /** Resident weight bytes as placed in engine memory (packed forms, tables, biases). */
  weightBytes: number;
  /** The same weights as float32 (what a dense engine keeps resident). */
  float32WeightBytes: number;
  /** Activation and scratch bytes for the largest batch run so far. */
  arenaBytes: number;
  /** Total engine memory. */
  memoryBytes: number;
}

const align64 = (n: number): number => Math.ceil(n / 64) * 64;

export class RuntimeModel {
  private layout: ArenaLayout;
  private disposed = false;
  /** Where the main thread's arena starts (after the weights). */
  readonly arenaBase: number;

  constructor(
    readonly plan: Plan,
    readonly memory: EngineMemory,
    readonly inputShape: number[],
    private pool: ThreadPool | null = null,
  ) {
    this.arenaBase = align64(WEIGHT_BASE + plan.weightBytes);
    this.layout = layoutArena(plan, 1);
    memory.ensure(this.arenaBase + this.layout.bytes);
    const bytes = new Uint8Array(memory.buffer);
    for (const chunk of plan.weights) bytes.set(chunk.bytes, chunk.offset);
  }

  /** Elements of one input sample (product of the input shape). */
  get inputSize(): number {
    return this.plan.inputSize;
  }
  get outputSize(): number {
    return this.plan.outputSize;
  }

  /** Make room for `arenas` arenas of `batch` samples and at least `bytes` past the arena base (grows memory only past the largest seen). */
  reserve(batch: number, arenas = 1, bytes = 0): ArenaLayout {
    if (batch > this.layout.batch) this.layout = layoutArena(this.plan, batch);
    this.memory.ensure(this.arenaBase + Math.max(arenas * this.layout.bytes, bytes));
    return this.layout;
  }

  /** Attach worker threads (the loader does this when asked for threads > 1). */
  attachPool(pool: ThreadPool): void {
    this.pool?.dispose();
    this.pool = pool;
  }

  /**
   * Run the model on `batch` samples laid out NHWC in `x`; returns batch × outputSize scores.
   * @example const y = net.predict(new Float32Array(28 * 28), 1);
   */
  predict(x: Float32Array, batch = 1): Float32Array {
    if (this.disposed) throw new RuntimeError('the runtime model was disposed');
    if (!Number.isInteger(batch) || batch < 1) throw new UsageError(`\`batch\` must be a positive integer, got ${batch}`);
    if (!(x instanceof Float32Array)) throw new UsageError('`x` must be a Float32Array');
    if (x.length !== batch * this.plan.inputSize) {
      throw new UsageError(`\`x\` has ${x.length} values; batch ${batch} of input [${this.inputShape.join(', ')}] needs ${batch * this.plan.inputSize}`);
    }
    if (this.pool !== null && splitsBatch(this.plan, batch)) return this.runParallel(x, batch);
    const layout = this.reserve(batch);
    const mem = this.memory;
    const inAt = (this.arenaBase + layout.offsets[this.plan.input]!) >> 2;
    mem.f32.set(x, inAt);
    runPlan(mem.kernels, this.plan, layout, this.arenaBase, batch);
    const outAt = (this.arenaBase + layout.offsets[this.plan.output]!) >> 2;
    return mem.f32.slice(outAt, outAt + batch * this.plan.outputSize);
  }

  /**
   * The batch staged once after the threads' arenas, then cut into chunks that the caller and the workers take
   * as they come (batch-chunks.ts); each thread's arena holds one chunk.
   */
  private runParallel(x: Float32Array, batch: number): Float32Array {
    const pool = this.pool!;
    const grain = chunkSamples(this.plan, batch, pool.threads);
    this.reserve(grain);
    const { inputSize, outputSize } = this.plan;
    const stageIn = this.arenaBase + pool.threads * this.layout.bytes;
    const stageOut = align64(stageIn + 4 * batch * inputSize);
    const layout = this.reserve(grain, pool.threads, align64(stageOut + 4 * batch * outputSize) - this.arenaBase);
    const mem = this.memory;
    mem.f32.set(x, stageIn >> 2);
    const arenas = Array.from({ length: pool.threads - 1 }, (_, w) => this.arenaBase + (w + 1) * layout.bytes);
    const job = { chunks: Math.ceil(batch / grain), grain, total: batch, stageIn, stageOut };
    pool.run(layout.batch, arenas, job, (control, at) => runChunks(mem.kernels, this.plan, layout, mem.f32, this.arenaBase, control, at));
    return mem.f32.slice(stageOut >> 2, (stageOut >> 2) + batch * outputSize);
  }

  /** Kernel chosen per layer and the bytes the model keeps resident. */
  describe(): RuntimeDescription {
    return {
      engine: this.memory.kind,
      relaxedSimd: this.memory.relaxedSimd === true,
      threads: this.pool?.threads ?? 1,
      inputShape: [...this.inputShape],
      outputShape: [...this.plan.outputShape],
      layers: this.plan.layers.map((l) => ({ ...l })),
      weightBytes: this.plan.layers.reduce((s, l) => s + l.weightBytes, 0),
      float32WeightBytes: this.plan.layers.reduce((s, l) => s + l.float32Bytes, 0),
      arenaBytes: this.layout.bytes,
      memoryBytes: this.memory.byteLength,
    };
  }

  /** Release the worker threads (memory is freed with the object). */
  dispose(): void {
    this.disposed = true;
    this.pool?.dispose();
    this.pool = null;
  }
}
