/**
 * Trials on a BullMQ queue, run by `smallnets worker` processes anywhere that reach the same Redis.
 * Each batch becomes one flow: a parent job for the exploration round and a child job per trial,
 * named by the trial key (so re-enqueueing is a no-op), retried on failure. Results are collected by
 * polling each trial job's state, which also picks up trials that workers finished while no explore
 * was running.
 */
import { FlowProducer, Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { RuntimeError } from '../errors.js';
import type { TrialExecutor } from './executor.js';
import {
  EXPLORATIONS_QUEUE, TRIALS_QUEUE, bullConnection, connectRedis, decodeResult, parseRedisUrl, publishSetup, trialJobId,
  type RedisLocation, type TrialJobData, type TrialJobResult,
} from './queue.js';
import type { RunnerSetup, TrialJob, TrialResult } from './trial-runner.js';

export interface QueueExecutorOptions {
  /** Attempts per trial job (a crashed or failing worker's job is retried up to this many times). */
  attempts?: number;
  /** How often results are polled, ms. */
  pollMs?: number;
  /** Workers expected to serve the queue (only used to size strategy batches). */
  parallelism?: number;
  note?: (message: string) => void;
}

export class QueueExecutor implements TrialExecutor {
  readonly description: string;
  readonly parallelism: number;
  private round = 0;

  private constructor(
    private readonly location: RedisLocation,
    private readonly redis: Redis,
    private readonly flows: FlowProducer,
    private readonly trials: Queue,
    private readonly exploration: string,
    private readonly options: QueueExecutorOptions,
  ) {
    this.description = `queue ${location.url} (run \`smallnets worker --queue ${location.url}\` on any machine)`;
    this.parallelism = options.parallelism ?? 4;
  }

  /** Connect (one-line error within seconds if Redis is unreachable) and publish the setup. */
  static async connect(url: string, exploration: string, setup: RunnerSetup, options: QueueExecutorOptions = {}): Promise<QueueExecutor> {
    const location = parseRedisUrl(url);
    const redis = await connectRedis(location, options.note);
    await publishSetup(redis, exploration, setup);
    const connection = bullConnection(location);
    return new QueueExecutor(location, redis, new FlowProducer({ connection }), new Queue(TRIALS_QUEUE, { connection }), exploration, options);
  }

  async run(jobs: TrialJob[], onResult: (result: TrialResult) => Promise<void>, shouldStop: () => boolean): Promise<void> {
    const round = this.round++;
    await this.flows.add({
      name: 'exploration',
      queueName: EXPLORATIONS_QUEUE,
      data: { exploration: this.exploration, trials: jobs.length },
      opts: { jobId: `${this.exploration}-round-${round}-${Date.now()}`, removeOnComplete: true },
      children: jobs.map((job) => ({
        name: 'trial',
        queueName: TRIALS_QUEUE,
        data: { exploration: this.exploration, key: job.key, config: job.config } satisfies TrialJobData,
        opts: {
          jobId: trialJobId(this.exploration, job.key),
          attempts: this.options.attempts ?? 3,
          backoff: { type: 'fixed', delay: 1000 },
          ignoreDependencyOnFailure: true,
        },
      })),
    });
    const pending = new Map(jobs.map((j) => [trialJobId(this.exploration, j.key), j]));
    const pollMs = this.options.pollMs ?? 500;
    while (pending.size > 0) {
      if (shouldStop()) {
        this.options.note?.(`time budget reached: ${pending.size} queued trial${pending.size === 1 ? '' : 's'} left to the workers; run explore again to collect them`);
        return;
      }
      for (const [id, job] of pending) {
        const state = await this.trials.getJobState(id);
        if (state === 'completed') {
          const done = await Job.fromId(this.trials, id);
          pending.delete(id);
          await onResult(decodeResult(done!.returnvalue as TrialJobResult));
        } else if (state === 'failed') {
          const failed = await Job.fromId(this.trials, id);
          const attempts = failed?.opts.attempts ?? 1;
          if ((failed?.attemptsMade ?? attempts) < attempts) continue; // a retry is scheduled
          pending.delete(id);
          const now = new Date().toISOString();
          await onResult({ key: job.key, config: job.config, status: 'failed', error: `worker: ${failed?.failedReason ?? 'failed'}`, seconds: 0, startedAt: now, finishedAt: now });
        } else if (state === 'unknown') {
          throw new RuntimeError(`trial job ${id} vanished from ${this.location.url} (was the queue emptied, or does Redis evict keys?)`);
        }
      }
      if (pending.size > 0) await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.flows.close(), this.trials.close()]);
    this.redis.disconnect();
  }
}
