/**
 * `smallnets cluster --model DIR --clusters 16|conv:16,dense:4 [--init linear] [--preserve-sparsity]
 * [--epochs N] --out DIR [--json]`: per-layer k-means weight sharing, centroid fine-tuning on the
 * MNIST split, then strip to a plain TF.js model whose kernels hold at most k distinct values (the
 * codebooks go into userDefinedMetadata for the .snn encoder).
 * A thin layer over `clusterAndFineTune` (src/clustering/fine-tune.ts).
 */
import path from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { addCommand } from './command.js';
import { nonNegativeInt, oneOf, positiveInt, positiveNumber } from './options.js';
import { log, printTable } from './output.js';
import { describeData, requireTrainingData } from '../pipeline/training-data.js';
import { addDataFlags, dataOptions, type DataFlags } from './data-flags.js';
import { saveModel } from '../models/io.js';
import { openLayersModel } from '../pipeline/open-model.js';
import { checkOutDir } from '../models/atomic-write.js';
import { TRAIN_DEFAULTS } from '../training/train.js';
import {
  CLUSTER_DEFAULTS, CLUSTER_FINE_TUNE_DEFAULTS, CLUSTER_INITS, clusterAndFineTune, parseClusterSpec,
  type ClusterFineTuneOptions, type ClusterInit, type ClusterSpec,
} from '../clustering/index.js';

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
      addDataFlags(cmd
        .description('cluster (weight-share) the kernels of a trained model with per-layer k-means, fine-tune the centroids (MNIST or your image folder), save')
        .requiredOption('--model <dir>', 'trained model directory, model.json or URL')
        .requiredOption('--clusters <k>', 'clusters per layer: a number, or per kind/layer like conv:16,dense:4', parseClusterSpec)
        .addOption(new Option('--init <method>', 'centroid initialization').argParser(oneOf('--init', CLUSTER_INITS)).default(CLUSTER_DEFAULTS.init))
        .option('--preserve-sparsity', 'keep zero (pruned) weights at exactly zero with a fixed zero centroid')
        .option('--epochs <n>', 'centroid fine-tuning epochs (0: k-means only)', nonNegativeInt('--epochs'), CLUSTER_FINE_TUNE_DEFAULTS.epochs)
        .option('--lr <x>', 'Adam learning rate, cosine-decayed', positiveNumber('--lr'), CLUSTER_FINE_TUNE_DEFAULTS.learningRate)
        .option('--batch-size <n>', 'images per step', positiveInt('--batch-size'), TRAIN_DEFAULTS.batchSize)
        .option('--out <dir>', 'output directory (default: out/<model>-c<clusters>)')
        .option('--force', 'replace a non-empty --out directory')),
    async (_args, flags) => {
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
      log(`test accuracy ${pct(result.testAccuracyBefore!)}% → ${pct(result.testAccuracyAfter!)}% after ${result.epochs} epoch(s); saved ${bytes.toLocaleString('en-US')} bytes to ${out}`);
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
  );
}
