/**
 * `smallnets cluster --model DIR --clusters 16|conv:16,dense:4 [--init linear] [--preserve-sparsity]
 * [--epochs N] --out DIR [--json]`: per-layer k-means weight sharing, centroid fine-tuning on the
 * MNIST split, then strip to a plain TF.js model whose kernels hold at most k distinct values (the
 * codebooks go into userDefinedMetadata for the .snn encoder).
 * A thin layer over src/clustering (clusterWeights → trainModel → stripClustering).
 */
import path from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { addCommand } from './command.js';
import { nonNegativeInt, oneOf, positiveInt, positiveNumber } from './options.js';
import { log, printTable } from './output.js';
import { loadMnist } from '../data/mnist.js';
import { saveModel } from '../models/io.js';
import { openLayersModel } from '../pipeline/open-model.js';
import { checkOutDir } from '../models/atomic-write.js';
import { trainModel, TRAIN_DEFAULTS } from '../training/train.js';
import { evaluateAccuracy } from '../training/evaluate.js';
import { distinctValuesPerLayer } from '../quantization/index.js';
import {
  CLUSTER_DEFAULTS, CLUSTER_FINE_TUNE_DEFAULTS, CLUSTER_INITS, ClusteringConfig, clusterWeights, parseClusterSpec,
  stripClustering, type ClusterInit, type ClusterSpec,
} from '../clustering/index.js';

interface ClusterFlags {
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
      cmd
        .description('cluster (weight-share) the kernels of a trained model with per-layer k-means, fine-tune the centroids on MNIST, save')
        .requiredOption('--model <dir>', 'trained model directory, model.json or URL')
        .requiredOption('--clusters <k>', 'clusters per layer: a number, or per kind/layer like conv:16,dense:4', parseClusterSpec)
        .addOption(new Option('--init <method>', 'centroid initialization').argParser(oneOf('--init', CLUSTER_INITS)).default(CLUSTER_DEFAULTS.init))
        .option('--preserve-sparsity', 'keep zero (pruned) weights at exactly zero with a fixed zero centroid')
        .option('--epochs <n>', 'centroid fine-tuning epochs (0: k-means only)', nonNegativeInt('--epochs'), CLUSTER_FINE_TUNE_DEFAULTS.epochs)
        .option('--lr <x>', 'Adam learning rate, cosine-decayed', positiveNumber('--lr'), CLUSTER_FINE_TUNE_DEFAULTS.learningRate)
        .option('--batch-size <n>', 'images per step', positiveInt('--batch-size'), TRAIN_DEFAULTS.batchSize)
        .option('--out <dir>', 'output directory (default: out/<model>-c<clusters>)')
        .option('--force', 'replace a non-empty --out directory'),
    async (_args, flags) => {
      const config = new ClusteringConfig({
        clusters: flags.clusters,
        init: flags.init,
        preserveSparsity: flags.preserveSparsity ?? false,
        seed: flags.seed ?? CLUSTER_DEFAULTS.seed,
      });
      const out = flags.out ?? `out/${path.basename(path.resolve(flags.model))}-c${specText(flags.clusters)}`;
      await checkOutDir(out, flags.force);
      const model = (await openLayersModel(flags.model)).layers;
      const started = performance.now();
      // Clustering first: a cluster count the model cannot take fails before the data are loaded.
      const clustered = await clusterWeights(model, config);
      const { train, test } = loadMnist();
      const testAccuracyBefore = evaluateAccuracy(model, test);
      const testAccuracyClustered = evaluateAccuracy(clustered, test);
      log(`k-means (${flags.init} init): test accuracy ${pct(testAccuracyBefore)}% → ${pct(testAccuracyClustered)}% before fine-tuning`);
      if (flags.epochs > 0) {
        trainModel(clustered, train, {
          epochs: flags.epochs, learningRate: flags.lr, batchSize: flags.batchSize, schedule: 'cosine',
          seed: flags.seed ?? TRAIN_DEFAULTS.seed, label: 'cluster fine-tune',
        });
      }
      const seconds = (performance.now() - started) / 1000;
      const stripped = await stripClustering(clustered);
      clustered.dispose();
      const testAccuracyAfter = evaluateAccuracy(stripped.model, test);
      const distinct = distinctValuesPerLayer(stripped.model);
      printTable(
        ['layer', 'weights', 'clusters', 'index bits', 'distinct values'],
        stripped.weights.map((w) => [w.layer, w.indices.length, w.codebook.length, Math.ceil(Math.log2(w.codebook.length)), distinct[w.layer] ?? null]),
      );
      const bytes = await saveModel(stripped.model, out, { force: flags.force });
      log(`test accuracy ${pct(testAccuracyBefore)}% → ${pct(testAccuracyAfter)}% after ${flags.epochs} epoch(s); saved ${bytes.toLocaleString('en-US')} bytes to ${out}`);
      return {
        command: 'cluster',
        model: flags.model,
        testAccuracyBefore,
        testAccuracyClustered,
        testAccuracyAfter,
        clusters: flags.clusters,
        clustersPerLayer: Object.fromEntries(stripped.weights.map((w) => [w.layer, w.codebook.length])),
        init: flags.init,
        preserveSparsity: config.preserveSparsity,
        epochs: flags.epochs,
        learningRate: flags.lr,
        distinctValuesPerLayer: distinct,
        seconds: Math.round(seconds * 100) / 100,
        out,
      };
    },
  );
}
