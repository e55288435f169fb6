/**
 * A planned, loaded model: its weights placed once in engine memory, activations in a reused arena,
 * `predict` copying the input in, running the plan, and copying the output out.
 */
import { UsageError, RuntimeError } from '../errors.js';
import { layoutArena, type ArenaLayout } from './arena.js';
import { runPlan } from './execute.js';
import type { EngineMemory, EngineKind } from './memory.js';
import { WEIGHT_BASE, type LayerReport, type Plan } from './plan.js';

export interface RuntimeDescription {
  engine: EngineKind;
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

/** Runs many batches; parallel when a ThreadPool is attached (set by the loader). */
export interface BatchRunner {
  readonly threads: number;
  /** Run `batch` samples already copied to the input slots; returns false to let the caller run them. */
  run(batch: number): boolean;
  dispose(): void;
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
    private runner: BatchRunner | null = null,
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

  /** Make room for `batch` samples (grows memory only past the largest batch seen). */
  reserve(batch: number): ArenaLayout {
    if (batch > this.layout.batch) {
      const layout = layoutArena(this.plan, batch);
      this.memory.ensure(this.arenaBase + layout.bytes);
      this.layout = layout;
    }
    return this.layout;
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
    if (this.runner !== null && this.runner.run !== undefined && batch >= 16) {
      return this.runParallel(x, batch);
    }
    const layout = this.reserve(batch);
    const mem = this.memory;
    const inAt = (this.arenaBase + layout.offsets[this.plan.input]!) >> 2;
    mem.f32.set(x, inAt);
    runPlan(mem.kernels, this.plan, layout, this.arenaBase, batch);
    const outAt = (this.arenaBase + layout.offsets[this.plan.output]!) >> 2;
    return mem.f32.slice(outAt, outAt + batch * this.plan.outputSize);
  }

  private runParallel(x: Float32Array, batch: number): Float32Array {
    const runner = this.runner!;
    const layout = this.reserve(batch);
    const mem = this.memory;
    const inAt = (this.arenaBase + layout.offsets[this.plan.input]!) >> 2;
    mem.f32.set(x, inAt);
    if (!runner.run(batch)) runPlan(mem.kernels, this.plan, layout, this.arenaBase, batch);
    const outAt = (this.arenaBase + layout.offsets[this.plan.output]!) >> 2;
    return mem.f32.slice(outAt, outAt + batch * this.plan.outputSize);
  }

  /** Kernel chosen per layer and the bytes the model keeps resident. */
  describe(): RuntimeDescription {
    return {
      engine: this.memory.kind,
      threads: this.runner?.threads ?? 1,
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
    this.runner?.dispose();
    this.runner = null;
  }
}
