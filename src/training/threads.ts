/** Choosing between one and two training threads (see data-parallel.ts). */
import type * as tfl from '@tensorflow/tfjs-layers';
import { UsageError } from '../errors.js';
import { GradientWorker, supportsDataParallel } from './data-parallel.js';

/**
 * A data-parallel worker when `threads` is 2 and the model allows it; undefined for one thread.
 * Models with custom layers (technique wrappers) train on one thread.
 */
export async function startWorkerIfUseful(model: tfl.LayersModel, threads: number, maxBatch: number): Promise<GradientWorker | undefined> {
  if (threads !== 1 && threads !== 2) throw new UsageError(`\`threads\` must be 1 or 2, got ${threads}`, { option: 'threads' });
  if (threads === 1 || !supportsDataParallel(model)) return undefined;
  return GradientWorker.start(model, maxBatch);
}

/** Run `body`, closing the worker even if it throws. */
export function withWorker<T>(worker: GradientWorker | undefined, body: () => T): T {
  try {
    return body();
  } catch (error) {
    void worker?.close();
    throw error;
  }
}
