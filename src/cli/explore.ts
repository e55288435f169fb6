/**
 * `smallnets explore MODEL [--space quick|full|FILE] [--strategy grid|random|auto] [--trials N]
 * [--workers N | --queue redis://H:P] [--budget-minutes M] [--max-drop P] --out DIR [--json]`:
 * run a search over structure and compression knobs, keep every trial in DIR (resumable), and
 * report the Pareto fronts, the charts and the smallest model within the accuracy budget.
 */
import os from 'node:os';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { addCommand } from './command.js';
import { nonNegativeInt, numberInRange, oneOf, positiveInt, positiveNumber, type CommonOptions } from './options.js';
import { log, printTable } from './output.js';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { BUILTIN_SPACES, loadSpace, parseSpace, type SearchSpace } from '../explore/space.js';
import { autoStrategy } from '../explore/auto.js';
import { parseProfile, profileLayers } from '../explore/layer-profile.js';
import { trialData } from '../explore/trial-runner.js';
import { head } from '../data/split.js';
import { writeFileAtomic } from '../models/atomic-write.js';
import { DEFAULT_RECIPE } from '../pipeline/compress.js';
import { gridStrategy, randomStrategy, STRATEGIES, type Strategy, type StrategyName } from '../explore/strategy.js';
import { prepareExploration, runExploration, type ExploreOptions, type PreparedExploration } from '../explore/explore.js';
import { InlineExecutor, type TrialExecutor } from '../explore/executor.js';
import { ThreadExecutor } from '../explore/thread-executor.js';
import { QueueExecutor } from '../explore/queue-executor.js';
import { connectRedis, parseRedisUrl } from '../explore/queue.js';
import { doneTrials, recordLabel } from '../explore/results.js';

interface ExploreFlags {
  model?: string;
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
      cmd
        .description('search structure × compression settings: trials fine-tuned on MNIST, Pareto fronts, charts, resumable store')
        .argument('[model]', 'trained base model: TF.js directory, model.json, URL or .snn')
        .option('--model <path>', 'the base model (same as the positional argument)')
        .option('--space <name|file>', `search space: ${Object.keys(BUILTIN_SPACES).join(', ')} or a JSON file`, 'quick')
        .option('--strategy <name>', `how trials are chosen: ${STRATEGIES.join(', ')}`, oneOf('--strategy', STRATEGIES), 'grid')
        .option('--trials <n>', 'trials to run: random draws, the first N grid points, or auto\'s budget (default 16)', positiveInt('--trials'))
        .option('--workers <n>', `trials at once on worker threads, one core each (default: cores, ${os.availableParallelism()}); 0 = in this thread`, nonNegativeInt('--workers'))
        .option('--queue <url>', 'enqueue trials on Redis (BullMQ) for `smallnets worker` processes on any machine, e.g. redis://10.0.0.5:6379')
        .option('--budget-minutes <m>', 'start no new trial after this many minutes', positiveNumber('--budget-minutes'))
        .option('--max-drop <points>', 'accuracy budget below the base model, in percentage points (for best)', numberInRange('--max-drop', 0, 100, true), 0.2)
        .option('--train-digits <n>', 'fine-tune on the first N training digits only (quick runs; no recipes then)', positiveInt('--train-digits'))
        .option('--test-digits <n>', 'measure on the first N test digits only', positiveInt('--test-digits'))
        .requiredOption('--out <dir>', 'exploration directory: trials.jsonl, space.json, artifacts/, pareto.json, trials.csv, charts')
        .option('--force', 'replace an exploration of a different space or model in --out')
        .addHelpText('after', `
Examples:
  smallnets explore out/lenet5 --space quick --out out/explore-lenet5
  smallnets explore out/lenet300 --space my-space.json --strategy random --trials 30 --out out/x
  smallnets explore out/lenet5 --out out/explore-lenet5     # again: resumes, runs only missing trials
  smallnets explore out/lenet300 --strategy auto --max-drop 0.2 --out out/auto-lenet300   # smallest within 0.2 points
  smallnets explore out/lenet5 --space full --queue redis://10.0.0.5:6379 --out out/full   # with smallnets worker elsewhere`),
    async ([positional], flags) => {
      const model = positional ?? flags.model;
      if (!model) throw new UsageError('give the base model: smallnets explore MODEL --out DIR');
      if (positional && flags.model && positional !== flags.model) throw new UsageError(`two models given: ${positional} and --model ${flags.model}`);
      const space = flags.strategy === 'auto' ? autoSpace(await loadSpace(flags.space), flags.space) : await loadSpace(flags.space);
      const options: ExploreOptions = {
        model, space, out: flags.out, seed: flags.seed ?? 1, maxDrop: flags.maxDrop,
        ...(flags.force ? { force: true } : {}),
        ...(flags.trainDigits === undefined ? {} : { trainDigits: flags.trainDigits }),
        ...(flags.testDigits === undefined ? {} : { testDigits: flags.testDigits }),
        ...(flags.budgetMinutes === undefined ? {} : { budgetMinutes: flags.budgetMinutes }),
        log,
      };
      const started = performance.now();
      // An unreachable queue fails in seconds, before the model is opened.
      if (flags.queue) (await connectRedis(parseRedisUrl(flags.queue))).disconnect();
      const prepared = await prepareExploration(options);
      const strategy = flags.strategy === 'auto' ? await makeAutoStrategy(flags, options, prepared) : makeStrategy(flags, options);
      const executor = await makeExecutor(flags, prepared);
      let result;
      try {
        result = await runExploration(prepared, strategy, executor, options);
      } finally {
        await executor.close();
      }
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
          r.metrics.latencyMs.toFixed(2),
          r.metrics.energyMicrojoules.toFixed(1),
        ]),
      );
      const best = summary.best;
      log(best
        ? `best within ${flags.maxDrop} points of ${(base * 100).toFixed(2)}%: ${best.label} — ${best.bytes.toLocaleString('en-US')} B, ${best.ratio.toFixed(1)}× smaller, ${(best.testAccuracy * 100).toFixed(2)}%${best.recipe ? `\n  ${best.recipe}` : ''}`
        : `no trial within ${flags.maxDrop} points of ${(base * 100).toFixed(2)}%`);
      if (result.note) log(result.note);
      log(`${summary.trials} trials (${result.ran} run now, ${summary.failed} failed) in ${flags.out}: pareto.json, trials.csv, bubble.svg, accuracy-vs-bytes.svg, accuracy-vs-latency.svg`);
      return {
        command: 'explore',
        model,
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
  );
}

function makeStrategy(flags: ExploreFlags, options: ExploreOptions): Strategy {
  switch (flags.strategy) {
    case 'grid':
      return gridStrategy(options.space, flags.trials);
    case 'random':
      if (flags.trials === undefined) throw new UsageError('--strategy random needs --trials N');
      return randomStrategy(options.space, flags.trials, options.seed);
    case 'auto':
      throw new Error('auto is made by makeAutoStrategy');
  }
}

/**
 * Auto searches its own space (per-layer settings from the sensitivity profile); a --space only
 * sets its epochs (first values). The store's identity is this derived space.
 */
function autoSpace(base: SearchSpace, given: string): SearchSpace {
  const first = (knob: 'epochs' | 'fineTuneEpochs', fallback: number): number => {
    const d = base.knobs[knob];
    return d === undefined ? fallback : 'values' in d ? (d.values[0] as number) : d.min;
  };
  const explicit = given !== 'quick';
  return parseSpace({
    name: explicit ? `auto (${base.name})` : 'auto',
    knobs: {
      epochs: [explicit ? first('epochs', DEFAULT_RECIPE.pruneEpochs) : DEFAULT_RECIPE.pruneEpochs],
      fineTuneEpochs: [explicit ? first('fineTuneEpochs', DEFAULT_RECIPE.fineTuneEpochs) : DEFAULT_RECIPE.fineTuneEpochs],
    },
  });
}

async function makeAutoStrategy(flags: ExploreFlags, options: ExploreOptions, prepared: PreparedExploration): Promise<Strategy> {
  // Named by the base model and digits, so a replaced exploration never reuses another model's profile.
  const file = path.join(options.out, `sensitivity-${prepared.setup.base.sha256.slice(0, 12)}-${prepared.setup.data.train}.json`);
  let profile = parseProfile(await readFile(file, 'utf8').catch(() => ''));
  if (!profile) {
    const train = trialData(prepared.setup.data).train;
    profile = profileLayers(prepared.model, head(train, Math.min(2000, train.count)), log);
    await writeFileAtomic(file, `${JSON.stringify(profile, null, 2)}\n`);
  } else {
    log(`auto: per-layer sensitivity from ${file}`);
  }
  const epochs = options.space.knobs.epochs;
  const fineTune = options.space.knobs.fineTuneEpochs;
  return autoStrategy({
    profile,
    baselineAccuracy: prepared.baselineAccuracy,
    maxDrop: options.maxDrop,
    trials: flags.trials ?? 16,
    epochs: epochs && 'values' in epochs ? (epochs.values[0] as number) : DEFAULT_RECIPE.pruneEpochs,
    fineTuneEpochs: fineTune && 'values' in fineTune ? (fineTune.values[0] as number) : DEFAULT_RECIPE.fineTuneEpochs,
  });
}

async function makeExecutor(flags: ExploreFlags & CommonOptions, prepared: PreparedExploration): Promise<TrialExecutor> {
  if (flags.queue) {
    return QueueExecutor.connect(flags.queue, prepared.store.identity.hash, prepared.setup, {
      note: log, ...(flags.workers ? { parallelism: flags.workers } : {}),
    });
  }
  const workers = flags.workers ?? os.availableParallelism();
  if (workers === 0) return new InlineExecutor(prepared.setup);
  return new ThreadExecutor({ ...prepared.setup, backend: flags.backend ?? 'wasm' }, workers);
}
