/**
 * `smallnets explore MODEL [--space quick|full|FILE] [--strategy grid|random|auto] [--trials N]
 * [--workers N | --queue redis://H:P] [--budget-minutes M] [--max-drop P] --out DIR [--json]`:
 * run a search over structure and compression knobs, keep every trial in DIR (resumable), and
 * report the Pareto front (stdout), the charts (in DIR) and the smallest model within the accuracy
 * budget. A thin layer over `explore` (src/explore/run.ts).
 */
import os from 'node:os';
import type { Command } from 'commander';
import { addCommand, examples } from './command.js';
import { choiceOption, nonNegativeInt, numberInRange, optionWithDefaultText, positiveInt, positiveNumber } from './options.js';
import { log, printResult, printTable } from './output.js';
import { quickDataLimit, QUICK_ENV } from './quick.js';
import { BUILTIN_SPACES } from '../explore/space.js';
import { STRATEGIES, type StrategyName } from '../explore/strategy.js';

interface ExploreFlags {
  model: string;
  space: string;
  strategy: StrategyName;
  trials?: number;
  workers?: number;
  queue?: string;
  budgetMinutes?: number;
  maxDrop: number;
  trainDigits?: number;
  testDigits?: number;
  out: string;
  force?: boolean;
}

export function register(program: Command): void {
  addCommand<ExploreFlags>(
    program,
    'explore',
    (cmd) =>
      examples(cmd, [
        'explore out/lenet5 --space quick --out out/explore-lenet5',
        'explore out/lenet300 --space my-space.json --strategy random --trials 30 --out out/x',
        'explore out/lenet5 --out out/explore-lenet5     # again: resumes, runs only missing trials',
        'explore out/lenet300 --strategy auto --max-drop 0.2 --out out/auto-lenet300   # smallest within 0.2 points',
        'explore out/lenet5 --space full --queue redis://10.0.0.5:6379 --out out/full   # with smallnets worker elsewhere',
      ])
        .description('search structure × compression settings: trials fine-tuned on MNIST, Pareto fronts, charts, resumable store')
        .option('--space <name|file>', `search space: ${Object.keys(BUILTIN_SPACES).join(', ')} or a JSON file (docs/explore.md)`, 'quick')
        .addOption(choiceOption('--strategy <name>', 'how trials are chosen (auto: smallest .snn within --max-drop, per-layer)', STRATEGIES).default('grid'))
        .addOption(optionWithDefaultText('--trials <n>', 'trials to run: random draws, the first N grid points, or auto\'s budget', 'whole grid; auto: 16', positiveInt('--trials')))
        .addOption(optionWithDefaultText('--workers <n>', 'trials at once on worker threads, one core each; 0 = in this thread', `cores, ${os.availableParallelism()}`, nonNegativeInt('--workers')))
        .option('--queue <url>', 'enqueue trials on Redis (BullMQ) for `smallnets worker` processes on any machine, e.g. redis://10.0.0.5:6379')
        .option('--budget-minutes <m>', 'start no new trial after this many minutes', positiveNumber('--budget-minutes'))
        .option('--max-drop <points>', 'accuracy budget below the base model, in percentage points (for best)', numberInRange('--max-drop', 0, 100, true), 0.2)
        .option('--train-digits <n>', 'fine-tune on the first N training digits only (quick runs; no recipes then)', positiveInt('--train-digits'))
        .option('--test-digits <n>', 'measure on the first N test digits only', positiveInt('--test-digits'))
        .requiredOption('--out <dir>', 'exploration directory: trials.jsonl, space.json, artifacts/, pareto.json, trials.csv, charts')
        .option('--force', 'replace an exploration of a different space or model in --out'),
    async (_args, flags) => {
      const { explore } = await import('../explore/run.js');
      const { doneTrials, recordLabel } = await import('../explore/results.js');
      const started = performance.now();
      const quick = quickDataLimit();
      if (quick && flags.trainDigits === undefined && flags.testDigits === undefined) {
        log(`note: ${QUICK_ENV}=1: trials on the first ${quick.train.toLocaleString('en-US')} training digits, accuracy on ${quick.test}`);
      }
      const trainDigits = flags.trainDigits ?? quick?.train;
      const testDigits = flags.testDigits ?? quick?.test;
      const { space, result } = await explore({
        model: flags.model, space: flags.space, strategy: flags.strategy, out: flags.out, seed: flags.seed ?? 1, maxDrop: flags.maxDrop,
        backend: flags.backend ?? 'wasm',
        ...(flags.trials === undefined ? {} : { trials: flags.trials }),
        ...(flags.workers === undefined ? {} : { workers: flags.workers }),
        ...(flags.queue === undefined ? {} : { queue: flags.queue }),
        ...(flags.force ? { force: true } : {}),
        ...(trainDigits === undefined ? {} : { trainDigits }),
        ...(testDigits === undefined ? {} : { testDigits }),
        ...(flags.budgetMinutes === undefined ? {} : { budgetMinutes: flags.budgetMinutes }),
        log,
      });
      const { summary, records } = result;
      const byKey = new Map(doneTrials(records).map((r) => [r.key, r]));
      const base = summary.baselineAccuracy;
      printTable(
        ['Pareto front (accuracy vs .snn bytes)', 'accuracy', 'Δ points', '.snn bytes', 'ratio', 'MACs', 'latency ms', 'energy µJ'],
        summary.pareto.accuracyVsBytes.map((key) => byKey.get(key)!).map((r) => [
          `${r.key} ${recordLabel(r)}`,
          `${(r.metrics.testAccuracy * 100).toFixed(2)}%`,
          ((r.metrics.testAccuracy - base) * 100).toFixed(2),
          r.metrics.snnBytes,
          `${r.metrics.ratio.toFixed(1)}×`,
          r.metrics.macs,
          r.metrics.latencyMs.toFixed(3),
          r.metrics.energyMicrojoules.toFixed(1),
        ]),
      );
      const best = summary.best;
      printResult(best
        ? `best within ${flags.maxDrop} points of ${(base * 100).toFixed(2)}%: ${best.label} — ${best.bytes.toLocaleString('en-US')} B, ${best.ratio.toFixed(1)}× smaller, ${(best.testAccuracy * 100).toFixed(2)}%${best.recipe ? `\n  ${best.recipe}` : ''}`
        : `no trial within ${flags.maxDrop} points of ${(base * 100).toFixed(2)}%`);
      if (result.note) log(result.note);
      log(`${summary.trials} trials (${result.ran} run now, ${summary.failed} failed) in ${flags.out}: pareto.json, trials.csv, bubble.svg, accuracy-vs-bytes.svg, accuracy-vs-latency.svg`);
      return {
        command: 'explore',
        model: flags.model,
        space: space.name,
        strategy: flags.strategy,
        trials: summary.trials,
        ran: result.ran,
        failed: summary.failed,
        baselineAccuracy: base,
        pareto: summary.pareto.accuracyVsBytes,
        fronts: summary.pareto,
        best: best ?? null,
        stoppedEarly: result.stoppedEarly,
        seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
        out: flags.out,
      };
    },
    { table: true, model: 'trained base model: TF.js directory, model.json, URL or .snn' },
  );
}
