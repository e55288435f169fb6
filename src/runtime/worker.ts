/** A runtime worker thread: instantiates the kernels over the shared memory and runs plan chunks on request. */
import { workerData, parentPort } from 'node:worker_threads';
import { layoutArena, type ArenaLayout } from './arena.js';
import { runPlan } from './execute.js';
import { ARENA, BATCH, CAPACITY, DONE, FAILED, GEN, SLOTS, type WorkerInit } from './threads.js';
import { instantiateKernels } from './wasm-module.js';

const init = workerData as WorkerInit;
const kernels = instantiateKernels(init.module, init.memory);
const c = new Int32Array(init.control);
const base = init.index * SLOTS;
let layout: ArenaLayout | null = null;
let seen = 0;
parentPort!.postMessage('ready');
for (;;) {
  Atomics.wait(c, base + GEN, seen);
  seen = Atomics.load(c, base + GEN);
  try {
    const capacity = c[base + CAPACITY]!;
    if (layout === null || layout.batch !== capacity) layout = layoutArena(init.plan, capacity);
    runPlan(kernels, init.plan, layout, c[base + ARENA]!, c[base + BATCH]!);
  } catch {
    c[base + FAILED] = 1;
  }
  Atomics.store(c, base + DONE, seen);
  Atomics.notify(c, base + DONE);
}
