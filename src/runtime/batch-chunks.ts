/**
 * Dynamic batch chunks shared by the caller and the worker threads. The batch sits once in a staging
 * area of the shared memory; every thread repeatedly takes the next chunk index with an atomic add and
 * runs the whole plan on that chunk in its own arena, reading the staged inputs and writing the staged
 * outputs in place. A thread the OS schedules late (the machine is shared, or the woken worker
 * queues behind the caller on one core) then simply takes fewer chunks: the caller never sits idle
 * waiting for a fixed half of the batch, so two threads are never much slower than one.
 */
import type { ArenaLayout } from './arena.js';
import { runPlan } from './execute.js';
import type { Kernels } from './kernels/api.js';
import type { Plan } from './plan.js';

/** Int32 slots of the job header (after the per-worker slots in the control block). */
export const JOB_SLOTS = 8;
export const NEXT = 0;
export const CHUNKS = 1;
export const GRAIN = 2;
export const TOTAL = 3;
/** Byte offsets of the staged inputs and outputs in the shared memory. */
export const STAGE_IN = 4;
export const STAGE_OUT = 5;

/** Rows (of the heaviest matrix product) a chunk should give a kernel: the sparse kernels work in 32-row tiles. */
const MIN_CHUNK_ROWS = 32;
/** Chunks per thread when the batch allows: small enough that a late thread costs little, large enough to amortize. */
const CHUNKS_PER_THREAD = 4;

/**
 * Samples per chunk for `batch` on `threads`: about four chunks per thread, but never so few samples
 * that the heaviest matrix product gets fewer than 32 rows (a 784-300-100 MLP has one row per sample
 * and runs a third slower per sample at 16 rows than at 32).
 * @example chunkSamples(plan, 64, 2); // 8 for LeNet-5, 32 for LeNet-300-100
 */
export function chunkSamples(plan: Plan, batch: number, threads: number): number {
  let heaviest = 0;
  let rows = 1;
  for (const s of plan.steps) {
    if (s.kind !== 'matmul') continue;
    const macs = s.rows * s.k * s.n;
    if (macs > heaviest) [heaviest, rows] = [macs, s.rows];
  }
  const byThreads = Math.ceil(batch / (threads * CHUNKS_PER_THREAD));
  return Math.min(batch, Math.max(byThreads, Math.ceil(MIN_CHUNK_ROWS / rows)));
}

/**
 * Take chunks from the job in `job` (Int32 header at `at`) until none is left; returns how many this thread ran.
 * @example runChunks(kernels, plan, layout, f32, arena, control, header);
 */
export function runChunks(k: Kernels, plan: Plan, layout: ArenaLayout, f32: Float32Array, arena: number, job: Int32Array, at: number): number {
  const chunks = job[at + CHUNKS]!;
  const grain = job[at + GRAIN]!;
  const total = job[at + TOTAL]!;
  const stageIn = job[at + STAGE_IN]!;
  const stageOut = job[at + STAGE_OUT]!;
  const { inputSize, outputSize } = plan;
  const inPlace = plan.input !== plan.output;
  let ran = 0;
  for (let j = Atomics.add(job, at + NEXT, 1); j < chunks; j = Atomics.add(job, at + NEXT, 1), ran++) {
    const start = j * grain;
    const count = Math.min(grain, total - start);
    const input = stageIn + 4 * start * inputSize;
    const output = stageOut + 4 * start * outputSize;
    // The chunk is read and written where it is staged; only a model without steps (output = input) copies.
    if (inPlace) runPlan(k, plan, layout, arena, count, { input, output });
    else f32.copyWithin(output >> 2, input >> 2, (input >> 2) + count * inputSize);
  }
  return ran;
}
