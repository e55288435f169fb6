/**
 * Executors run batches of trials and report each result as it finishes. The exploration loop
 * does not care where: in this process (InlineExecutor), on a pool of threads (ThreadExecutor), or
 * on a queue served by workers on other machines (QueueExecutor).
 */
import type { TrialJob, TrialResult, RunnerSetup } from './trial-runner.js';
import { TrialRunner } from './trial-runner.js';
import { withDefaultSignals } from '../models/interrupt-cleanup.js';

export interface TrialExecutor {
  /** What it is, for progress lines ('1 thread', '2 threads', 'queue redis://…'). */
  readonly description: string;
  /** Trials that can run at once (strategies propose batches of this size). */
  readonly parallelism: number;
  /**
   * Run `jobs`; `onResult` is awaited for each result as it arrives. Jobs not started when
   * `shouldStop()` turns true are skipped.
   */
  run(jobs: TrialJob[], onResult: (result: TrialResult) => Promise<void>, shouldStop: () => boolean): Promise<void>;
  close(): Promise<void>;
}

/** Trials one after another in this process (this thread's TF.js backend). */
export class InlineExecutor implements TrialExecutor {
  readonly description = 'this process';
  readonly parallelism = 1;
  private runner: Promise<TrialRunner> | undefined;

  constructor(private readonly setup: RunnerSetup) {}

  async run(jobs: TrialJob[], onResult: (result: TrialResult) => Promise<void>, shouldStop: () => boolean): Promise<void> {
    // Trials compute on this thread for seconds at a time: Ctrl-C must end the process at once then,
    // not wait for a handler to get its turn (models/interrupt-cleanup.ts).
    this.runner ??= withDefaultSignals(() => TrialRunner.create(this.setup));
    const runner = await this.runner;
    for (const job of jobs) {
      if (shouldStop()) return;
      await onResult(await withDefaultSignals(() => runner.run(job)));
    }
  }

  async close(): Promise<void> {
    if (this.runner) (await this.runner).dispose();
  }
}
