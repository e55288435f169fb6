/** A runtime worker thread: instantiates the kernels over the shared memory and takes batch chunks when a job is posted. */
import { workerData, parentPort } from 'node:worker_threads';
import { layoutArena, type ArenaLayout } from './arena.js';
import { JOB_SLOTS, runChunks } from './batch-chunks.js';
import { ARENA, CAPACITY, CLAIM, DONE, FAILED, GEN, SLOTS, SPIN_MS, type WorkerInit } from './threads.js';
import { instantiateKernels } from './wasm-module.js';

const init = workerData as WorkerInit;
const kernels = instantiateKernels(init.module, init.memory);
const c = new Int32Array(init.control);
const base = init.index * SLOTS;
let layout: ArenaLayout | null = null;
let seen = 0;
parentPort!.postMessage('ready');
for (;;) {
  // Spin a little before sleeping, so that a batch posted right after the last one starts without a wake-up.
  const until = performance.now() + SPIN_MS;
  while (Atomics.load(c, base + GEN) === seen && performance.now() < until);
  Atomics.wait(c, base + GEN, seen);
  seen = Atomics.load(c, base + GEN);
  // The caller cancels a job it finished alone before this worker woke: then there is nothing to do or report.
  if (Atomics.compareExchange(c, base + CLAIM, seen - 1, seen) !== seen - 1) continue;
  try {
    const capacity = c[base + CAPACITY]!;
    if (layout === null || layout.batch !== capacity) layout = layoutArena(init.plan, capacity);
    // A fresh view each job: the memory may have grown since the last one.
    runChunks(kernels, init.plan, layout, new Float32Array(init.memory.buffer), c[base + ARENA]!, c, init.control.byteLength / 4 - JOB_SLOTS);
  } catch {
    c[base + FAILED] = 1;
  }
  Atomics.store(c, base + DONE, seen);
  Atomics.notify(c, base + DONE);
}
