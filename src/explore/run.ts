/**
 * An exploration as one library call: the space (built-in, file, or auto's derived space), the
 * strategy, where trials run (this thread, a thread pool, a Redis queue), then the loop of
 * explore.ts. `smallnets explore` parses its flags into `ExploreRequest` and renders the result.
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { head } from '../data/split.js';
import { writeFileAtomic } from '../models/atomic-write.js';
import { withDefaultSignals } from '../models/interrupt-cleanup.js';
import { DEFAULT_RECIPE } from '../pipeline/compress-recipe.js';
import { autoStrategy } from './auto.js';
import { InlineExecutor, type TrialExecutor } from './executor.js';
import { prepareExploration, runExploration, type ExploreOptions, type ExploreResult, type PreparedExploration } from './explore.js';
import { parseProfile, profileLayers } from './layer-profile.js';
import { QueueExecutor } from './queue-executor.js';
import { connectRedis, parseRedisUrl } from './queue.js';
import { loadSpace, parseSpace, type SearchSpace } from './space.js';
import { gridStrategy, randomStrategy, type Strategy, type StrategyName } from './strategy.js';
import { ThreadExecutor } from './thread-executor.js';
import { trialData } from './trial-runner.js';

export interface ExploreRequest extends Omit<ExploreOptions, 'space'> {
  /** A built-in space name (quick, full) or a JSON file; with `auto`, only its epochs are used. */
  space: string;
  strategy: StrategyName;
  /** Random draws, the first N grid points, or auto's trial budget (default 16). */
  trials?: number;
  /** Trials at once on worker threads (default: one per core); 0 = in this thread. */
  workers?: number;
  /** Redis URL: trials become BullMQ jobs for `smallnets worker` processes. */
  queue?: string;
  /** TF.js backend of pool threads. */
  backend?: 'wasm' | 'cpu';
}

/**
 * Run an exploration: resumes what `out` holds, runs the missing trials, writes fronts and charts.
 *
 * @example
 * const { result } = await explore({ model: 'out/lenet5', space: 'quick', strategy: 'grid', out: 'out/x', seed: 1, maxDrop: 0.2 });
 * console.log(result.summary.best?.recipe);
 */
export async function explore(request: ExploreRequest): Promise<{ space: SearchSpace; result: ExploreResult }> {
  if (request.strategy === 'random' && request.trials === undefined) {
    throw new UsageError('the random strategy needs `trials`', { option: 'trials' });
  }
  const given = await loadSpace(request.space);
  const space = request.strategy === 'auto' ? autoSpace(given, request.space) : given;
  const options: ExploreOptions = { ...request, space };
  // An unreachable queue fails in seconds, before the model is opened.
  if (request.queue) (await connectRedis(parseRedisUrl(request.queue))).disconnect();
  const prepared = await prepareExploration(options);
  try {
    const strategy = request.strategy === 'auto' ? await makeAutoStrategy(request, options, prepared) : makeStrategy(request, space);
    const executor = await makeExecutor(request, prepared);
    try {
      return { space, result: await runExploration(prepared, strategy, executor, options) };
    } finally {
      await executor.close();
    }
  } finally {
    // The base model and the store's lock are this call's: a library caller running many
    // explorations (or one that failed) keeps neither tensors nor the directory.
    prepared.model.dispose();
    prepared.store.close();
  }
}

function makeStrategy(request: ExploreRequest, space: SearchSpace): Strategy {
  switch (request.strategy) {
    case 'grid':
      return gridStrategy(space, request.trials);
    case 'random':
      return randomStrategy(space, request.trials!, request.seed);
    case 'auto':
      throw new Error('auto is made by makeAutoStrategy');
  }
}

/** Whether a space asks for distillation (its `distill` knob's first value). */
function distills(space: SearchSpace): boolean {
  const d = space.knobs.distill;
  return d !== undefined && 'values' in d && d.values[0] === true;
}

/**
 * Auto searches its own space (per-layer settings from the sensitivity profile); a given space only
 * sets its epochs and whether to distill (first values). The store's identity is this derived space.
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
      // Only when asked, so the derived space (the store's identity) of older runs stays the same.
      ...(explicit && distills(base) ? { distill: [true] } : {}),
    },
  });
}

async function makeAutoStrategy(request: ExploreRequest, options: ExploreOptions, prepared: PreparedExploration): Promise<Strategy> {
  const log = request.log ?? (() => {});
  // Named by the base model and digits, so a replaced exploration never reuses another model's profile.
  const file = path.join(options.out, `sensitivity-${prepared.setup.base.sha256.slice(0, 12)}-${prepared.setup.data.train}.json`);
  let profile = parseProfile(await readFile(file, 'utf8').catch(() => ''));
  if (!profile) {
    const train = trialData(prepared.setup.data).train;
    profile = await withDefaultSignals(() => profileLayers(prepared.model, head(train, Math.min(2000, train.count)), log));
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
    trials: request.trials ?? 16,
    epochs: epochs && 'values' in epochs ? (epochs.values[0] as number) : DEFAULT_RECIPE.pruneEpochs,
    fineTuneEpochs: fineTune && 'values' in fineTune ? (fineTune.values[0] as number) : DEFAULT_RECIPE.fineTuneEpochs,
    distill: distills(options.space),
  });
}

async function makeExecutor(request: ExploreRequest, prepared: PreparedExploration): Promise<TrialExecutor> {
  if (request.queue) {
    return QueueExecutor.connect(request.queue, prepared.store.identity.hash, prepared.setup, {
      ...(request.log ? { note: request.log } : {}), ...(request.workers ? { parallelism: request.workers } : {}),
    });
  }
  const workers = request.workers ?? os.availableParallelism();
  if (workers === 0) return new InlineExecutor(prepared.setup);
  return new ThreadExecutor({ ...prepared.setup, backend: request.backend ?? 'wasm' }, workers);
}
