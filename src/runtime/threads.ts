/**
 * Batch parallelism over shared memory (Node worker_threads): the model's weights sit once in a shared
 * WebAssembly.Memory, each thread gets its own activation arena, and the batch is cut into chunks that
 * the threads take one by one (src/runtime/batch-chunks.ts) and run through the whole plan; there is no
 * per-layer synchronization. The caller posts a job, works on it itself, then waits only for workers
 * that actually started: a worker the OS has not yet scheduled is cancelled (a compare-and-swap on its
 * claim slot), so a late thread never makes a batch slower than the caller alone.
 * Workers are started only when asked for (threads > 1) and only batches ≥ PARALLEL_MIN_BATCH with enough modelled
 * work (PARALLEL_MIN_NS) use them.
 */
import { RuntimeError } from '../errors.js';
import { CHUNKS, GRAIN, JOB_SLOTS, NEXT, STAGE_IN, STAGE_OUT, TOTAL } from './batch-chunks.js';
import type { Plan } from './plan.js';

/** Smaller batches stay on one thread (a thread hand-off costs tens of microseconds). */
export const PARALLEL_MIN_BATCH = 16;
/**
 * A batch also needs this much modelled work (plan.nsPerSample × batch) to be split. Waking a worker costs ~70 µs
 * on this VM and a late worker takes no chunk; LeNet-300-100 at batch 64 (~0.14 ms, two 32-sample chunks) ran
 * 0.107–0.204 ms on two threads from run to run against a steady 0.136 ms on one.
 */
export const PARALLEL_MIN_NS = 250_000;

/**
 * Whether a pool splits `batch` samples of `plan` across threads (batch 1 and small work stay on the caller).
 * @example splitsBatch(net.plan, 64); // false for the compressed LeNet-300-100, true for LeNet-5
 */
export function splitsBatch(plan: Pick<Plan, 'nsPerSample'>, batch: number): boolean {
  return batch >= PARALLEL_MIN_BATCH && batch * plan.nsPerSample >= PARALLEL_MIN_NS;
}
export const MAX_THREADS = 16;
/**
 * How long a thread spins on the control block before sleeping in Atomics.wait. Waking a sleeping thread
 * costs tens of microseconds (here, a VM waking an idle vCPU: LeNet-300-100 batch 64 on 2 threads took
 * 0.17 ms with sleeping threads, 0.10 ms when they spin); back-to-back batches arrive well within this. Kept
 * short because a spinning thread takes CPU from others on a busy machine.
 */
export const SPIN_MS = 0.2;

/** Int32 slots per worker in the control block. */
export const SLOTS = 8;
export const GEN = 0;
export const DONE = 1;
export const CAPACITY = 2;
export const ARENA = 3;
export const FAILED = 5;
/** The last generation claimed, by the worker (it runs it) or by the caller (it cancels it). */
export const CLAIM = 6;

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
    const control = new SharedArrayBuffer(4 * (SLOTS * count + JOB_SLOTS));
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

  /** Index of the job header in `control` (after the workers' slots). */
  get jobAt(): number {
    return this.workers.length * SLOTS;
  }

  /**
   * Post a job of `chunks` chunks of `grain` samples (of `total`) staged at byte offsets `stageIn`/`stageOut` to
   * every worker (worker w's arena at `arenas[w]`, laid out for `capacity` samples), run `own(control, jobAt)` on
   * the caller, then wait for the workers that claimed the job.
   */
  run(capacity: number, arenas: number[], job: { chunks: number; grain: number; total: number; stageIn: number; stageOut: number }, own: (control: Int32Array, at: number) => void): void {
    const c = this.control;
    const gen = ++this.generation;
    const at = this.jobAt;
    c[at + CHUNKS] = job.chunks;
    c[at + GRAIN] = job.grain;
    c[at + TOTAL] = job.total;
    c[at + STAGE_IN] = job.stageIn;
    c[at + STAGE_OUT] = job.stageOut;
    Atomics.store(c, at + NEXT, 0);
    for (let w = 0; w < this.workers.length; w++) {
      const base = w * SLOTS;
      c[base + CAPACITY] = capacity;
      c[base + ARENA] = arenas[w]!;
      Atomics.store(c, base + GEN, gen);
      Atomics.notify(c, base + GEN);
    }
    own(c, at);
    for (let w = 0; w < this.workers.length; w++) {
      const base = w * SLOTS;
      // Not started yet: cancel it (the caller has taken every chunk) instead of waiting for the OS to run it.
      if (Atomics.compareExchange(c, base + CLAIM, gen - 1, gen) === gen - 1) continue;
      // The last chunks usually end within microseconds of each other: spin briefly before sleeping.
      const until = performance.now() + SPIN_MS;
      while (Atomics.load(c, base + DONE) !== gen && performance.now() < until);
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
