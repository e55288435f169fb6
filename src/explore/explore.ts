/**
 * The exploration loop: open the base model and the store, let the strategy propose trials, run the
 * ones the store does not hold on the executor, append each result as it arrives, and redraw the
 * fronts and charts. Killed at any moment and started again with the same `out`, it resumes: the
 * store keeps every finished trial and the strategy proposes only what is missing.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import { RuntimeError, UsageError, usageCheck } from '../errors.js';
import { MNIST_TEST_COUNT, MNIST_TRAIN_COUNT, PIXELS } from '../data/mnist.js';
import { modelArtifacts } from '../models/io.js';
import { withDefaultSignals } from '../models/interrupt-cleanup.js';
import { openLayersModel } from '../pipeline/open-model.js';
import { evaluateAccuracy } from '../training/evaluate.js';
import type { TrialExecutor } from './executor.js';
import { currentRecipes, recipeFor } from './recipe.js';
import { summarizeTrials, writeResults, type ExplorationSummary } from './results.js';
import { spaceJson, type SearchSpace } from './space.js';
import type { Strategy } from './strategy.js';
import { trialKey, sha256Hex } from './trial-key.js';
import { trialLabel, type TrialConfig } from './trial-config.js';
import type { TrialRecord } from './trial-record.js';
import { trialData, type BasePayload, type RunnerSetup, type TrialResult } from './trial-runner.js';
import { TrialStore } from './trial-store.js';

export interface ExploreOptions {
  /** The trained base model: TF.js directory, model.json, URL or .snn. */
  model: string;
  space: SearchSpace;
  out: string;
  force?: boolean;
  seed: number;
  /** Accuracy budget in percentage points below the base model (for `best`). */
  maxDrop: number;
  /** Use only the first N digits of each part of the MNIST split (quick runs, tests). */
  trainDigits?: number;
  testDigits?: number;
  /** Stop starting new trials after this many minutes (running ones finish). */
  budgetMinutes?: number;
  /** Progress lines (stderr in the CLI). */
  log?: (message: string) => void;
}

/** The base model opened and packed for executors, with its baseline accuracy. */
export interface PreparedExploration {
  model: tfl.LayersModel;
  setup: RunnerSetup;
  baselineAccuracy: number;
  store: TrialStore;
}

export interface ExploreResult {
  summary: ExplorationSummary;
  records: TrialRecord[];
  /** Trials this run executed (the rest were already in the store). */
  ran: number;
  out: string;
  stoppedEarly: boolean;
  note?: string;
}

function isDigitModel(model: tfl.LayersModel): boolean {
  return model.inputs[0]!.shape.slice(1).reduce<number>((p, d) => p * (d ?? -1), 1) === PIXELS;
}

/** Open the model, check it, load data, open the store (refusing another exploration's `out`). */
export async function prepareExploration(options: ExploreOptions): Promise<PreparedExploration> {
  const log = options.log ?? (() => {});
  const train = options.trainDigits ?? MNIST_TRAIN_COUNT;
  const test = options.testDigits ?? MNIST_TEST_COUNT;
  usageCheck(Number.isInteger(train) && train >= 1 && train <= MNIST_TRAIN_COUNT, () => `\`trainDigits\` must be an integer in [1, ${MNIST_TRAIN_COUNT}], got ${train}`, 'trainDigits');
  usageCheck(Number.isInteger(test) && test >= 1 && test <= MNIST_TEST_COUNT, () => `\`testDigits\` must be an integer in [1, ${MNIST_TEST_COUNT}], got ${test}`, 'testDigits');
  usageCheck(Number.isFinite(options.maxDrop) && options.maxDrop >= 0 && options.maxDrop <= 100, () => `\`maxDrop\` must be in [0, 100] points, got ${options.maxDrop}`, 'maxDrop');
  const opened = await openLayersModel(options.model);
  if (opened.format === 'zoo') {
    throw new UsageError(`explore needs a trained model; ${options.model} names an untrained builder (train it first: smallnets train ${options.model} --out out/${options.model})`);
  }
  const model = opened.layers;
  if (!isDigitModel(model)) {
    throw new UsageError(`explore fine-tunes on MNIST digits, but ${options.model} takes input [${model.inputs[0]!.shape.slice(1).join(', ')}]`);
  }
  const artifacts = await modelArtifacts(model);
  const weightData = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData!));
  const sha256 = sha256Hex(JSON.stringify(artifacts.modelTopology) + sha256Hex(weightData));
  const base: BasePayload = { modelTopology: artifacts.modelTopology as object, weightSpecs: artifacts.weightSpecs ?? [], weightData, sha256 };
  const setup: RunnerSetup = { base, seed: options.seed, data: { train, test } };
  const store = await TrialStore.open(options.out, {
    space: spaceJson(options.space),
    model: { location: options.model, sha256, params: model.countParams() },
    seed: options.seed,
    data: { name: 'mnist', train, test },
  }, { ...(options.force ? { force: true } : {}), note: log });
  const baselineAccuracy = await withDefaultSignals(() => evaluateAccuracy(model, trialData(setup.data).test));
  return { model, setup, baselineAccuracy, store };
}

/** The stored record of a result; the recipe only when the commands would reproduce it exactly. */
function toRecord(result: TrialResult, options: ExploreOptions, fullData: boolean): TrialRecord {
  const record: TrialRecord = {
    key: result.key,
    config: { ...result.config },
    status: result.status,
    seconds: result.seconds,
    startedAt: result.startedAt,
    finishedAt: result.finishedAt,
  };
  if (result.error !== undefined) record.error = result.error;
  if (result.outcome) {
    record.metrics = result.outcome.metrics;
    record.layers = result.outcome.layers;
    if (fullData) record.recipe = recipeFor(result.config, options.model, options.seed, `trial-${result.key}.snn`);
  }
  return record;
}

/**
 * Run an exploration to completion (or to its time budget) on `executor`.
 *
 * @example
 * const prepared = await prepareExploration(options);
 * const result = await runExploration(prepared, gridStrategy(space), new InlineExecutor(prepared.setup), options);
 */
export async function runExploration(
  prepared: PreparedExploration,
  strategy: Strategy,
  executor: TrialExecutor,
  options: ExploreOptions,
): Promise<ExploreResult> {
  const log = options.log ?? (() => {});
  const { store, baselineAccuracy } = prepared;
  const fullData = prepared.setup.data.train === MNIST_TRAIN_COUNT && prepared.setup.data.test === MNIST_TEST_COUNT;
  const deadline = options.budgetMinutes === undefined ? Infinity : Date.now() + options.budgetMinutes * 60_000;
  const shouldStop = () => Date.now() >= deadline;
  const resumed = store.records().length;
  if (resumed > 0) log(`resuming ${options.out}: ${resumed} finished trial${resumed === 1 ? '' : 's'} kept`);
  log(`base model ${options.model}: test accuracy ${(baselineAccuracy * 100).toFixed(2)}% on ${prepared.setup.data.test} digits; trials on ${executor.description}`);
  let ran = 0;
  let lastCharts = 0;
  const finished = () => new Map(store.records().map((r) => [r.key, r]));
  const redraw = async (force: boolean) => {
    if (!force && Date.now() - lastCharts < 10_000) return;
    lastCharts = Date.now();
    const records = currentRecipes(store.records(), options.model, options.seed);
    await writeResults(options.out, records, summarizeTrials(records, baselineAccuracy, options.maxDrop), options.model);
  };
  for (;;) {
    if (shouldStop()) break;
    const proposals = await strategy.next(finished(), executor.parallelism);
    const seen = new Set<string>();
    const jobs = proposals
      .map((config: TrialConfig) => ({ key: trialKey(config), config }))
      .filter((j) => !store.has(j.key) && !seen.has(j.key) && seen.add(j.key));
    if (jobs.length === 0) break;
    log(`running ${jobs.length} trial${jobs.length === 1 ? '' : 's'}`);
    await executor.run(jobs, async (result) => {
      const added = await store.add(toRecord(result, options, fullData), result.outcome?.snn);
      if (!added) return;
      ran++;
      const m = result.outcome?.metrics;
      log(m
        ? `trial ${result.key} ${trialLabel(result.config)}: ${(m.testAccuracy * 100).toFixed(2)}%, ${m.snnBytes.toLocaleString('en-US')} B (${m.ratio.toFixed(1)}×), ${m.macs.toLocaleString('en-US')} MACs, ${m.latencyMs.toFixed(2)} ms, ${result.seconds.toFixed(0)} s`
        : `trial ${result.key} ${trialLabel(result.config)} failed: ${result.error}`);
      await redraw(false);
    }, shouldStop);
  }
  const records = currentRecipes(store.records(), options.model, options.seed);
  if (records.length === 0) throw new RuntimeError('no trial finished (time budget too small?)');
  const summary = summarizeTrials(records, baselineAccuracy, options.maxDrop);
  await redraw(true);
  store.close();
  const note = strategy.summary?.();
  return { summary, records, ran, out: options.out, stoppedEarly: shouldStop(), ...(note ? { note } : {}) };
}
