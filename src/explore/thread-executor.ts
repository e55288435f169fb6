/**
 * Trials on worker threads (piscina): N threads, each with its own wasm backend, model replica and
 * data, each trial on one thread, so N trials use N cores. TF.js's wasm backend is single-threaded in
 * Node, which is what makes threads (not processes) enough.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import type { TrialExecutor } from './executor.js';
import type { RunnerSetup, TrialJob, TrialResult } from './trial-runner.js';

/**
 * The module a pool thread loads. From the compiled package: trial-worker.js beside this file.
 * From TypeScript sources (tests, tsx): a small bootstrap that imports the .ts worker through tsx.
 */
function workerFile(): string {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return fileURLToPath(new URL('./trial-worker.js', here));
  const source = new URL('./trial-worker.ts', here).href;
  const tsxApi = pathToFileURL(path.join(path.dirname(createRequire(here).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
  const dir = path.join(os.tmpdir(), `smallnets-workers-${process.getuid?.() ?? 'user'}`);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `trial-worker-${process.pid}.mjs`);
  writeFileSync(file, [
    `const { tsImport } = await import(${JSON.stringify(tsxApi)});`,
    `const mod = await tsImport(${JSON.stringify(source)}, ${JSON.stringify(source)});`,
    `export default typeof mod.default === 'function' ? mod.default : mod.default.default;`,
  ].join('\n'));
  return file;
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
