/**
 * `smallnets demo` (what `npm start` runs): the whole story on the embedded MNIST digits. Trains a
 * seeded LeNet-5 baseline, then runs every registered variant (pruned, quantized, clustered,
 * restructured, compressed …), prints one table with a row per variant and writes a
 * self-contained HTML report with charts.
 */
import os from 'node:os';
import type { Command } from 'commander';
import { addCommand, examples } from './command.js';
import { optionWithDefaultText, positiveInt } from './options.js';
import { log, printTable, printResult } from './output.js';

interface DemoFlags {
  epochs?: number;
  quick?: boolean;
  only?: string;
  report: string;
}

export const DEFAULT_REPORT = 'out/demo/report.html';

export function register(program: Command): void {
  addCommand<DemoFlags>(
    program,
    'demo',
    (cmd) =>
      examples(cmd, [
        'demo',
        'demo --quick --only pruned,compressed --report /tmp/report.html',
      ])
        .description('train LeNet-5 on MNIST, report every technique as a table of variants and an HTML page with charts (npm start)')
        .addOption(optionWithDefaultText('--epochs <n>', 'baseline training epochs', '5', positiveInt('--epochs')))
        .option('--quick', 'a fast smoke run: 1,000 training digits, 1 epoch everywhere')
        .addOption(optionWithDefaultText('--only <names>', 'comma-separated variant names to run', 'all'))
        .option('--report <file>', 'where to write the HTML report', DEFAULT_REPORT),
    async (_args, flags) => {
      const [{ DEMO_HEAD, demoTable, runDemo }, { renderReport }, { writeFileAtomic }] = await Promise.all([
        import('../demo/run.js'), import('../demo/report-html.js'), import('../models/atomic-write.js'),
      ]);
      const report = await runDemo({
        ...(flags.epochs === undefined ? {} : { epochs: flags.epochs }),
        quick: flags.quick ?? false,
        seed: flags.seed ?? 1,
        threads: (flags as { threads?: number }).threads === 1 ? 1 : 2,
        only: flags.only ? flags.only.split(',').map((s) => s.trim()) : undefined,
        log,
      });
      printTable(DEMO_HEAD, demoTable(report.rows));
      const html = await renderReport(report.rows, {
        seconds: report.seconds,
        command: `smallnets demo${flags.quick ? ' --quick' : ''}`,
        epochs: report.epochs,
        trainCount: report.trainCount,
        testCount: report.testCount,
        machine: `${os.cpus().length} cores, Node ${process.version}`,
        date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
      });
      const { mkdir } = await import('node:fs/promises');
      const { dirname } = await import('node:path');
      await mkdir(dirname(flags.report), { recursive: true });
      await writeFileAtomic(flags.report, html);
      printResult(`${report.rows.length} variants in ${report.seconds.toFixed(1)} s; report: ${flags.report}`);
      return { command: 'demo', seconds: Math.round(report.seconds * 10) / 10, epochs: report.epochs, rows: report.rows, report: flags.report };
    },
    { table: true, trains: true },
  );
}
