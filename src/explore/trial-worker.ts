/**
 * The pool thread's side of ThreadExecutor: one TrialRunner per thread (its own wasm backend, model
 * and data), built on the first task from the setup the pool was started with; each task runs one
 * trial on this thread alone.
 */
import { workerData } from 'node:worker_threads';
import { initBackend } from '../engine/backend.js';
import { TrialRunner, type RunnerSetup, type TrialJob, type TrialResult } from './trial-runner.js';

let runner: Promise<TrialRunner> | undefined;

export default async function runTrialTask(job: TrialJob): Promise<TrialResult> {
  runner ??= (async () => {
    const setup = workerData as RunnerSetup & { backend: 'wasm' | 'cpu' };
    await initBackend(setup.backend);
    return TrialRunner.create(setup);
  })();
  return (await runner).run(job);
}
