/**
 * Runs trials wherever they are executed — in the exploring process, on a pool thread, in a queue
 * worker on another machine — from the same self-contained setup: the base model as TF.js artifacts
 * (so no shared file system is needed), the seed, which digits to train and test on, and how to time
 * latency. A trial that throws becomes a 'failed' result naming the error; only a crash of the
 * process loses a trial (and the queue retries it).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { loadMnist } from '../data/mnist.js';
import { head } from '../data/split.js';
import type { LatencyOptions } from './latency.js';
import { runTrial, type TrialData, type TrialOutcome } from './trial.js';
import type { TrialConfig } from './trial-config.js';

/** The base model, serializable across threads and machines. */
export interface BasePayload {
  modelTopology: object;
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightData: Uint8Array;
  /** SHA-256 of topology + weights (names the model in queues and stores). */
  sha256: string;
}

export interface RunnerSetup {
  base: BasePayload;
  seed: number;
  /** Digits of the fixed MNIST split to use (the first N of each part). */
  data: { train: number; test: number };
  latency?: LatencyOptions;
}

export interface TrialJob {
  key: string;
  config: TrialConfig;
}

export interface TrialResult {
  key: string;
  config: TrialConfig;
  status: 'done' | 'failed';
  error?: string;
  outcome?: TrialOutcome;
  seconds: number;
  startedAt: string;
  finishedAt: string;
}

/** Rebuild the base model from its payload. */
export async function loadBase(base: BasePayload): Promise<tfl.LayersModel> {
  const weightData = base.weightData.buffer.slice(base.weightData.byteOffset, base.weightData.byteOffset + base.weightData.byteLength) as ArrayBuffer;
  return tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: base.modelTopology, weightSpecs: base.weightSpecs, weightData }));
}

export function trialData(counts: RunnerSetup['data']): TrialData {
  const mnist = loadMnist();
  return { train: head(mnist.train, counts.train), test: head(mnist.test, counts.test) };
}

/** A loaded base model and data, ready to run trials one after another. */
export class TrialRunner {
  private constructor(private readonly setup: RunnerSetup, private readonly base: tfl.LayersModel, private readonly data: TrialData) {}

  /** Load the model and data of `setup` (the TF.js backend must be initialized). */
  static async create(setup: RunnerSetup): Promise<TrialRunner> {
    return new TrialRunner(setup, await loadBase(setup.base), trialData(setup.data));
  }

  /** Run one trial; errors become a failed result. */
  async run(job: TrialJob): Promise<TrialResult> {
    const startedAt = new Date();
    const t0 = performance.now();
    const finish = (fields: Pick<TrialResult, 'status'> & Partial<TrialResult>): TrialResult => ({
      key: job.key, config: job.config, ...fields,
      seconds: Number(((performance.now() - t0) / 1000).toFixed(3)), startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(),
    });
    try {
      const outcome = await runTrial(this.base, job.config, this.data, { seed: this.setup.seed, ...(this.setup.latency ? { latency: this.setup.latency } : {}) });
      return finish({ status: 'done', outcome });
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      return finish({ status: 'failed', error: message });
    }
  }

  dispose(): void {
    this.base.dispose();
  }
}
