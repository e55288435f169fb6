/**
 * `smallnets worker --queue redis://HOST:PORT [--workers N]`: serve exploration trials from a BullMQ
 * queue until stopped (Ctrl-C / SIGTERM finish the running trials first). Any number of workers on
 * any machines may serve the same queue; results go back through Redis to `explore --queue`.
 */
import os from 'node:os';
import type { Command } from 'commander';
import { addCommand } from './command.js';
import { nonNegativeInt, positiveInt } from './options.js';
import { log } from './output.js';
import { startQueueWorker } from '../explore/queue-worker.js';

interface WorkerFlags {
  queue: string;
  workers?: number;
  lockSeconds?: number;
}

export function register(program: Command): void {
  addCommand<WorkerFlags>(
    program,
    'worker',
    (cmd) =>
      cmd
        .description('run exploration trials from a Redis queue (BullMQ) until stopped; start one per machine')
        .requiredOption('--queue <url>', 'Redis URL, e.g. redis://10.0.0.5:6379 (maxmemory-policy noeviction; docs/scale-out.md)')
        .option('--workers <n>', `trials at once, one thread each (default: cores, ${os.availableParallelism()}); 0 = on this thread`, nonNegativeInt('--workers'))
        .option('--lock-seconds <s>', 'seconds before a silent worker\'s trial is handed to another (default 30)', positiveInt('--lock-seconds'))
        .addHelpText('after', `
Examples:
  smallnets worker --queue redis://10.0.0.5:6379                 # on each machine
  smallnets explore out/lenet5 --space full --queue redis://10.0.0.5:6379 --out out/full`),
    async (_args, flags) => {
      const started = performance.now();
      let trials = 0;
      const worker = await startQueueWorker({
        queue: flags.queue,
        concurrency: flags.workers ?? os.availableParallelism(),
        backend: flags.backend ?? 'wasm',
        ...(flags.lockSeconds === undefined ? {} : { lockSeconds: flags.lockSeconds }),
        log: (message) => {
          if (/^trial \S+ (done|failed)/.test(message)) trials++;
          log(message);
        },
      });
      const stop = () => {
        log('stopping: finishing running trials');
        void worker.close();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      await worker.closed;
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      return { command: 'worker', queue: flags.queue, trials, seconds: Number(((performance.now() - started) / 1000).toFixed(1)) };
    },
  );
}
