/**
 * Trials on worker threads (piscina): N threads, each with its own wasm backend, model replica and
 * data, each trial on one thread, so N trials use N cores. TF.js's wasm backend is single-threaded in
 * Node, which is what makes threads (not processes) enough.
 */
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { TrialExecutor } from './executor.js';
import type { RunnerSetup, TrialJob, TrialResult } from './trial-runner.js';

/**
 * The module a pool thread loads: trial-worker.js beside this file in the compiled package; from the
 * TypeScript sources (tests, tsx), trial-worker.tsx.mjs, which imports the .ts worker through tsx.
 */
function workerFile(): string {
  const here = import.meta.url;
  return fileURLToPath(new URL(here.endsWith('.ts') ? './trial-worker.tsx.mjs' : './trial-worker.js', here));
}

/** A pool of N threads, each holding one setup's runner; `run` executes one trial on a free thread. */
export class TrialPool {
  private readonly pool: Piscina;

  constructor(setup: RunnerSetup & { backend: 'wasm' | 'cpu' }, readonly threads: number) {
    this.pool = new Piscina({
      filename: workerFile(),
      workerData: setup,
      minThreads: threads,
      maxThreads: threads,
      // One trial per thread at a time: trials are long and CPU-bound.
      concurrentTasksPerWorker: 1,
      idleTimeout: 60_000,
    });
  }

  run(job: TrialJob): Promise<TrialResult> {
    return this.pool.run(job) as Promise<TrialResult>;
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }
}

export class ThreadExecutor implements TrialExecutor {
  readonly description: string;
  private readonly pool: TrialPool;

  constructor(setup: RunnerSetup & { backend: 'wasm' | 'cpu' }, readonly parallelism: number) {
    this.description = `${parallelism} thread${parallelism === 1 ? '' : 's'}`;
    this.pool = new TrialPool(setup, parallelism);
  }

  async run(jobs: TrialJob[], onResult: (result: TrialResult) => Promise<void>, shouldStop: () => boolean): Promise<void> {
    const waiting = [...jobs];
    let reported = Promise.resolve();
    // One lane per thread: a lane takes the next job only while the deadline allows.
    const lane = async (): Promise<void> => {
      for (let job = waiting.shift(); job !== undefined; job = waiting.shift()) {
        if (shouldStop()) return;
        const result = await this.pool.run(job);
        reported = reported.then(() => onResult(result));
        await reported;
      }
    };
    await Promise.all(Array.from({ length: this.parallelism }, lane));
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
