/**
 * `smallnets demo` (what `npm start` runs): the whole story on the embedded MNIST digits. Trains a
 * seeded LeNet-5 baseline, then runs every registered variant (pruned, quantized, clustered,
 * restructured, compressed …) and prints one report table with a row per variant.
 */
import type { Command } from 'commander';
import { addCommand } from './command.js';
import { positiveInt } from './options.js';
import { DEMO_HEAD, demoTable, runDemo } from '../demo/run.js';
import { log, printTable } from './output.js';

interface DemoFlags {
  epochs: number;
  quick?: boolean;
  only?: string;
}

export function register(program: Command): void {
  addCommand<DemoFlags>(
    program,
    'demo',
    (cmd) =>
      cmd
        .description('train LeNet-5 on MNIST and report every technique as a table of variants (npm start)')
        .option('--epochs <n>', 'baseline training epochs', positiveInt('--epochs'), 5)
        .option('--quick', 'a fast smoke run: 1 epoch on 1,000 digits, 1 epoch per variant')
        .option('--only <names>', 'comma-separated variant names to run (default: all)'),
    async (_args, flags) => {
      const report = await runDemo({
        epochs: flags.quick ? 1 : flags.epochs,
        quick: flags.quick ?? false,
        seed: flags.seed ?? 1,
        only: flags.only ? flags.only.split(',').map((s) => s.trim()) : undefined,
        log,
      });
      printTable(DEMO_HEAD, demoTable(report.rows));
      return { command: 'demo', ...report };
    },
  );
}
