/**
 * `smallnets cluster --model DIR --clusters 16|conv:16,dense:4 [--init linear] [--preserve-sparsity]
 * [--epochs N] --out DIR [--json]`: per-layer k-means weight sharing, centroid fine-tuning on the
 * MNIST split, then strip to a plain TF.js model whose kernels hold at most k distinct values (the
 * codebooks go into userDefinedMetadata for the .snn encoder).
 * A thin layer over `clusterAndFineTune` (src/clustering/fine-tune.ts).
 */
import path from 'node:path';
import type { Command } from 'commander';
import { addCommand, examples } from './command.js';
import { choiceOption, nonNegativeInt, optionWithDefaultText, positiveInt, positiveNumber } from './options.js';
import { log, printResult, printTable, warnOnAccuracyDrop } from './output.js';
import { addDataFlags, dataOptions, type DataFlags } from './data-flags.js';
import { checkOutDir } from '../models/atomic-write.js';
import { TRAIN_DEFAULTS } from '../training/defaults.js';
import { CLUSTER_DEFAULTS, CLUSTER_FINE_TUNE_DEFAULTS, parseClusterSpec, type ClusterSpec } from '../clustering/spec.js';
import { CLUSTER_INITS, type ClusterInit } from '../clustering/kmeans-init.js';
import type { ClusterFineTuneOptions } from '../clustering/index.js';

interface ClusterFlags extends DataFlags {
  model: string;
  clusters: ClusterSpec;
  init: ClusterInit;
  preserveSparsity?: boolean;
  epochs: number;
  lr: number;
  batchSize: number;
  out?: string;
  force?: boolean;
}

const pct = (x: number): string => (x * 100).toFixed(2);

function specText(spec: ClusterSpec): string {
  return typeof spec === 'number' ? String(spec) : Object.entries(spec).map(([k, v]) => `${k}${v}`).join('-');
}

export function register(program: Command): void {
  addCommand<ClusterFlags>(
    program,
    'cluster',
    (cmd) =>
      addDataFlags(examples(cmd, [
        'cluster out/lenet5 --clusters conv:16,dense:4',
        'cluster out/lenet5 --clusters 8 --init kmeans++ --out out/lenet5-c8',
      ])
        .description('cluster (weight-share) the kernels of a trained model with per-layer k-means, fine-tune the centroids (MNIST or your image folder), save')
        .requiredOption('--clusters <k>', 'clusters per layer: a number, or per kind/layer like conv:16,dense:4', parseClusterSpec)
        .addOption(choiceOption('--init <method>', 'centroid initialization', CLUSTER_INITS).default(CLUSTER_DEFAULTS.init))
        .option('--preserve-sparsity', 'keep zero (pruned) weights at exactly zero with a fixed zero centroid')
        .option('--epochs <n>', 'centroid fine-tuning epochs (0: k-means only)', nonNegativeInt('--epochs'), CLUSTER_FINE_TUNE_DEFAULTS.epochs)
        .option('--lr <x>', 'Adam learning rate, cosine-decayed', positiveNumber('--lr'), CLUSTER_FINE_TUNE_DEFAULTS.learningRate)
        .option('--batch-size <n>', 'images per step', positiveInt('--batch-size'), TRAIN_DEFAULTS.batchSize)
        .addOption(optionWithDefaultText('--out <dir>', 'output directory', 'out/<model>-c<clusters>'))
        .option('--force', 'replace a non-empty --out directory')),
    async (_args, flags) => {
      const { describeData, requireTrainingData } = await import('../pipeline/training-data.js');
      const { saveModel } = await import('../models/io.js');
      const { openLayersModel } = await import('../pipeline/open-model.js');
      const { clusterAndFineTune } = await import('../clustering/index.js');
      const options: ClusterFineTuneOptions = {
        clusters: flags.clusters,
        init: flags.init,
        preserveSparsity: flags.preserveSparsity ?? false,
        seed: flags.seed ?? CLUSTER_DEFAULTS.seed,
        epochs: flags.epochs,
        learningRate: flags.lr,
        batchSize: flags.batchSize,
        log,
      };
      const out = flags.out ?? `out/${path.basename(path.resolve(flags.model))}-c${specText(flags.clusters)}`;
      await checkOutDir(out, flags.force);
      const model = (await openLayersModel(flags.model)).layers;
      const data = await requireTrainingData(model, flags.data, dataOptions(flags));
      const result = await clusterAndFineTune(model, data, options);
      printTable(
        ['layer', 'weights', 'clusters', 'index bits', 'distinct values'],
        result.report.weights.map((w) => [w.layer, w.indices.length, w.codebook.length, Math.ceil(Math.log2(w.codebook.length)), result.distinctValuesPerLayer[w.layer] ?? null]),
      );
      const bytes = await saveModel(result.model, out, { force: flags.force });
      printResult(`test accuracy ${pct(result.testAccuracyBefore!)}% → ${pct(result.testAccuracyAfter!)}% after ${result.epochs} epoch${result.epochs === 1 ? '' : 's'}; saved ${bytes.toLocaleString('en-US')} bytes to ${out}`);
      warnOnAccuracyDrop(result.testAccuracyBefore, result.testAccuracyAfter, 'try more --clusters or more fine-tuning --epochs');
      return {
        command: 'cluster',
        model: flags.model,
        testAccuracyBefore: result.testAccuracyBefore,
        testAccuracyClustered: result.testAccuracyClustered,
        testAccuracyAfter: result.testAccuracyAfter,
        data: describeData(data),
        clusters: flags.clusters,
        clustersPerLayer: result.clustersPerLayer,
        init: result.config.init,
        preserveSparsity: result.config.preserveSparsity,
        epochs: result.epochs,
        learningRate: result.learningRate,
        distinctValuesPerLayer: result.distinctValuesPerLayer,
        seconds: Math.round(result.seconds * 100) / 100,
        out,
      };
    },
    { table: true, trains: true, model: 'trained model: directory, model.json, URL, .snn' },
  );
}
