/**
 * Batch parallelism over shared memory (Node worker_threads): the model's weights sit once in a shared
 * WebAssembly.Memory, each thread gets its own activation arena, and a batch is split into contiguous
 * chunks that every thread runs through the whole plan; nothing is copied between threads and there is
 * no per-layer synchronization. The main thread runs chunk 0 and waits on Atomics for the others.
 * Workers are started only when asked for (threads > 1) and only batches ≥ PARALLEL_MIN_BATCH use them.
 */
import { RuntimeError } from '../errors.js';
import type { Plan } from './plan.js';

/** Smaller batches stay on one thread (a thread hand-off costs tens of microseconds). */
export const PARALLEL_MIN_BATCH = 16;
export const MAX_THREADS = 16;

/** Int32 slots per worker in the control block. */
export const SLOTS = 8;
export const GEN = 0;
export const DONE = 1;
export const CAPACITY = 2;
export const ARENA = 3;
export const BATCH = 4;
export const FAILED = 5;

export interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  plan: Plan;
  control: SharedArrayBuffer;
  index: number;
}

type NodeWorker = import('node:worker_threads').Worker;

export class ThreadPool {
  private generation = 0;

  private constructor(
    private readonly workers: NodeWorker[],
    private readonly control: Int32Array,
  ) {}

  /** Threads including the caller's. */
  get threads(): number {
    return this.workers.length + 1;
  }

  static async start(count: number, module: WebAssembly.Module, memory: WebAssembly.Memory, plan: Plan): Promise<ThreadPool> {
    const { Worker } = await import('node:worker_threads');
    const control = new SharedArrayBuffer(4 * SLOTS * count);
    const weightless: Plan = { ...plan, weights: [] };
    const workers: NodeWorker[] = [];
    try {
      for (let index = 0; index < count; index++) {
        const init: WorkerInit = { module, memory, plan: weightless, control, index };
        const worker = import.meta.url.endsWith('.ts')
          ? new Worker(
              `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./worker.ts', import.meta.url).href)}); });`,
              { eval: true, workerData: init },
            )
          : new Worker(new URL('./worker.js', import.meta.url), { workerData: init });
        workers.push(worker);
        await new Promise<void>((resolve, reject) => {
          worker.once('message', () => resolve());
          worker.once('error', (e) => reject(new RuntimeError(`runtime worker failed to start: ${e.message}`)));
        });
        worker.unref();
      }
    } catch (error) {
      for (const w of workers) void w.terminate();
      throw error;
    }
    return new ThreadPool(workers, new Int32Array(control));
  }

  /**
   * Run the plan on chunk `i + 1` in each worker (arena bases and batch sizes given), then call `own`
   * for the caller's chunk, then wait for every worker.
   */
  run(capacity: number, chunks: Array<{ arena: number; batch: number }>, own: () => void): void {
    const c = this.control;
    const gen = ++this.generation;
    const active = Math.min(this.workers.length, chunks.length);
    for (let w = 0; w < active; w++) {
      const base = w * SLOTS;
      c[base + CAPACITY] = capacity;
      c[base + ARENA] = chunks[w]!.arena;
      c[base + BATCH] = chunks[w]!.batch;
      Atomics.store(c, base + GEN, gen);
      Atomics.notify(c, base + GEN);
    }
    own();
    for (let w = 0; w < active; w++) {
      const base = w * SLOTS;
      // A worker that died (not one that threw: it reports FAILED) would never answer: give up after a minute.
      for (let waited = 0; Atomics.load(c, base + DONE) !== gen; waited++) {
        if (waited === 60) throw new RuntimeError(`runtime worker ${w + 1} stopped answering`);
        Atomics.wait(c, base + DONE, Atomics.load(c, base + DONE), 1000);
      }
      if (c[base + FAILED] !== 0) throw new RuntimeError(`runtime worker ${w + 1} failed`);
    }
  }

  dispose(): void {
    for (const w of this.workers) void w.terminate();
  }
}
