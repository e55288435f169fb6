/**
 * `smallnets worker`: serve trial jobs from a BullMQ queue until stopped. Trials run on a pool of
 * threads (one per core by default), so the process's event loop stays free to renew job locks
 * while a trial trains; a worker killed mid-trial lets its lock lapse, and BullMQ's stalled-job check
 * (run by the other workers) puts the job back for another worker.
 */
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { TRIALS_QUEUE, bullConnection, connectRedis, encodeResult, fetchSetup, parseRedisUrl, type TrialJobData, type TrialJobResult } from './queue.js';
import { TrialPool } from './thread-executor.js';
import { TrialRunner, type TrialResult } from './trial-runner.js';

export interface QueueWorkerOptions {
  queue: string;
  /** Trials at once (threads); 0 runs them on this thread (small trials only: locks renew between trials). */
  concurrency: number;
  backend: 'wasm' | 'cpu';
  /** Seconds a job's lock lasts without renewal (a dead worker's job is retried after about this long). */
  lockSeconds?: number;
  log?: (message: string) => void;
}

export interface RunningWorker {
  /** Resolves when the worker has stopped. */
  closed: Promise<void>;
  close(): Promise<void>;
}

/** Where a worker runs one exploration's trials: its thread pool, or an inline runner. */
interface Engine {
  run(job: TrialJobData): Promise<TrialResult>;
  close(): Promise<void>;
}

/**
 * Connect (one-line error within seconds if unreachable) and serve trials until `close()`.
 *
 * @example
 * const worker = await startQueueWorker({ queue: 'redis://127.0.0.1:6379', concurrency: 2, backend: 'wasm' });
 * process.on('SIGTERM', () => worker.close());
 */
export async function startQueueWorker(options: QueueWorkerOptions): Promise<RunningWorker> {
  const log = options.log ?? (() => {});
  const location = parseRedisUrl(options.queue);
  const redis: Redis = await connectRedis(location, log);
  const engines = new Map<string, Promise<Engine>>();
  const engineFor = (exploration: string): Promise<Engine> => {
    let engine = engines.get(exploration);
    if (!engine) {
      engine = (async (): Promise<Engine> => {
        const setup = await fetchSetup(redis, exploration);
        if (options.concurrency === 0) {
          const runner = await TrialRunner.create(setup);
          return { run: (job) => runner.run(job), close: async () => runner.dispose() };
        }
        const pool = new TrialPool({ ...setup, backend: options.backend }, options.concurrency);
        return { run: (job) => pool.run(job), close: () => pool.close() };
      })();
      // Keep the engines of the two most recent explorations.
      engines.set(exploration, engine);
      while (engines.size > 2) {
        const [oldest, stale] = engines.entries().next().value as [string, Promise<Engine>];
        engines.delete(oldest);
        void stale.then((e) => e.close(), () => {});
      }
    }
    return engine;
  };
  const lockDuration = (options.lockSeconds ?? 30) * 1000;
  const worker = new Worker<TrialJobData, TrialJobResult>(
    TRIALS_QUEUE,
    async (job: Job<TrialJobData, TrialJobResult>) => {
      log(`trial ${job.data.key} of ${job.data.exploration.slice(0, 12)} started (attempt ${job.attemptsMade + 1})`);
      const result = await (await engineFor(job.data.exploration)).run(job.data);
      log(`trial ${job.data.key} ${result.status}${result.error ? `: ${result.error}` : ''} in ${result.seconds.toFixed(1)} s`);
      return encodeResult(result);
    },
    {
      connection: bullConnection(location),
      concurrency: Math.max(1, options.concurrency),
      lockDuration,
      stalledInterval: Math.max(1000, lockDuration / 2),
      maxStalledCount: 3,
    },
  );
  worker.on('error', (error) => log(`worker: ${error.message.split('\n')[0]}`));
  await worker.waitUntilReady();
  log(`serving ${TRIALS_QUEUE} on ${location.url} with ${options.concurrency === 0 ? 'this thread' : `${options.concurrency} thread${options.concurrency === 1 ? '' : 's'}`}`);
  let closing: Promise<void> | undefined;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  const close = () =>
    (closing ??= (async () => {
      await worker.close();
      for (const engine of engines.values()) await engine.then((e) => e.close(), () => {});
      redis.disconnect();
      resolveClosed();
    })());
  return { closed, close };
}
