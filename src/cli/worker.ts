/**
 * `smallnets worker --queue redis://HOST:PORT [--workers N]`: serve exploration trials from a BullMQ
 * queue until stopped (Ctrl-C / SIGTERM finish the running trials first). Any number of workers on
 * any machines may serve the same queue; results go back through Redis to `explore --queue`.
 */
import os from 'node:os';
import type { Command } from 'commander';
import { addCommand, examples } from './command.js';
import { nonNegativeInt, optionWithDefaultText, positiveInt } from './options.js';
import { log, printResult } from './output.js';

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
      examples(cmd, [
        'worker --queue redis://10.0.0.5:6379                 # on each machine, then:',
        'explore out/lenet5 --space full --queue redis://10.0.0.5:6379 --out out/full',
      ])
        .description('run exploration trials from a Redis queue (BullMQ) until stopped; start one per machine')
        .requiredOption('--queue <url>', 'Redis URL, e.g. redis://10.0.0.5:6379 (maxmemory-policy noeviction; docs/scale-out.md)')
        .addOption(optionWithDefaultText('--workers <n>', 'trials at once, one thread each; 0 = on this thread', `cores, ${os.availableParallelism()}`, nonNegativeInt('--workers')))
        .addOption(optionWithDefaultText('--lock-seconds <s>', 'seconds before a silent worker\'s trial is handed to another', '30', positiveInt('--lock-seconds'))),
    async (_args, flags) => {
      const { startQueueWorker } = await import('../explore/queue-worker.js');
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
      const seconds = Number(((performance.now() - started) / 1000).toFixed(1));
      printResult(`served ${trials} trial${trials === 1 ? '' : 's'} from ${flags.queue} in ${seconds} s`);
      return { command: 'worker', queue: flags.queue, trials, seconds };
    },
  );
}
