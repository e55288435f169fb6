/**
 * The techniques the main job demonstrates, in report order. Each entry turns the trained dense
 * baseline into one variant and measures it.
 */
import { energyOf, layersModelBytes, measureRow, type DemoContext, type DemoVariant } from './context.js';
import { deepCompression, describeModel, integerInference, storagePlanFromSnn } from '../analysis/index.js';
import { PRUNE_DEFAULTS, pruneAndRetrain, type PruneRetrainOptions } from '../pruning/index.js';
import { compareModels, distill, restructure, DISTILL_DEFAULTS, type RestructurePlan } from '../restructure/index.js';
import { trainModel } from '../training/train.js';
import { qatTrainingDefaults, quantizeAware, stripQuantization } from '../quantization/index.js';
import { CLUSTER_FINE_TUNE_DEFAULTS, clusterWeights, formatClusterSpec, stripClustering, type ClusterSpec } from '../clustering/index.js';
import { encodeModel, snnToLayersModel, type EncodingHints } from '../models/snn-model.js';
import { compress, DEFAULT_RECIPE } from '../pipeline/compress.js';
import { decodeSnn } from '../format/index.js';

const plural = (n: number, what: string) => `${n} epoch${n === 1 ? '' : 's'} of ${what}`;

/** Pruning while fine-tuning the baseline, then stripped; kept in `shared` under `name` for later rows. */
function prunedVariant(name: string, variant: string, options: PruneRetrainOptions, budget: 'prune' | 'nm'): DemoVariant {
  return {
    name,
    async run(context: DemoContext) {
      const epochs = context.epochs[budget];
      const { model: stripped, report } = await pruneAndRetrain(context.baseline, { train: context.train }, { ...options, epochs, seed: context.seed, label: name });
      context.shared.set(name, stripped);
      const row = await measureRow(stripped, context.test, {
        variant,
        bytes: await layersModelBytes(stripped),
        energyMicrojoules: energyOf(stripped),
        notes: `${(report.sparsity * 100).toFixed(1)}% of prunable weights zero (${plural(epochs, 'fine-tuning')}); dense TF.js files`,
      });
      return row;
    },
  };
}

/** LeNet-5 restructured and distilled from the baseline (the `smallnets restructure` defaults). */
function restructuredVariant(name: string, variant: string, plan: RestructurePlan): DemoVariant {
  return {
    name,
    async run(context: DemoContext) {
      const epochs = context.epochs.distill;
      // restructure() builds new layers and only reads the baseline's weights; distill() only runs it.
      const student = restructure(context.baseline, { ...plan, seed: context.seed });
      distill(student, context.baseline, context.train, { epochs, schedule: 'cosine', seed: context.seed, label: name });
      const c = compareModels(context.baseline, student);
      const row = await measureRow(student, context.test, {
        variant,
        bytes: await layersModelBytes(student),
        energyMicrojoules: energyOf(student),
        notes: `MACs ${c.macsBefore.toLocaleString('en-US')} → ${c.macsAfter.toLocaleString('en-US')} ` +
          `(${(((c.macsAfter - c.macsBefore) / c.macsBefore) * 100).toFixed(0)}%); ${plural(epochs, 'distillation')}`,
      });
      student.dispose();
      return row;
    },
  };
}

/** Quantization-aware training at `bits` (the `smallnets quantize` defaults); bytes = the .snn with affine-coded kernels. */
function quantizedVariant(name: string, variant: string, bits: number, budget: 'qat6' | 'qat2'): DemoVariant {
  return {
    name,
    async run(context: DemoContext) {
      const { learningRate } = qatTrainingDefaults(bits);
      const epochs = context.epochs[budget];
      const aware = await quantizeAware(context.baseline, { bits });
      trainModel(aware, context.train, { epochs, learningRate, schedule: 'cosine', seed: context.seed, label: name });
      const { model, report: { weights } } = await stripQuantization(aware);
      aware.dispose();
      const hints: EncodingHints = {};
      for (const w of weights) hints[w.weight] = { bits: w.bits, perChannel: w.perChannel, scales: w.scales, zeroPoints: w.zeroPoints };
      const row = await measureRow(model, context.test, {
        variant,
        bytes: (await encodeModel(model, hints)).bytes.byteLength,
        energyMicrojoules: energyOf(model, integerInference(bits)),
        notes: `${bits}-bit kernels (${2 ** bits - 1} levels, ${plural(epochs, 'QAT')}); .snn affine codes, float32 biases`,
      });
      model.dispose();
      return row;
    },
  };
}

/** Weight clustering + centroid fine-tuning (the `smallnets cluster` defaults); bytes = the .snn with codebook-coded kernels. */
function clusteredVariant(name: string, variant: string, clusters: ClusterSpec): DemoVariant {
  return {
    name,
    async run(context: DemoContext) {
      const epochs = context.epochs.cluster;
      const clustered = await clusterWeights(context.baseline, { clusters, seed: context.seed });
      trainModel(clustered, context.train, { epochs, learningRate: CLUSTER_FINE_TUNE_DEFAULTS.learningRate, schedule: 'cosine', seed: context.seed, label: name });
      const { model, report: { weights } } = await stripClustering(clustered);
      clustered.dispose();
      const hints: EncodingHints = {};
      for (const w of weights) hints[w.weight] = { codebook: w.codebook };
      const row = await measureRow(model, context.test, {
        variant,
        bytes: (await encodeModel(model, hints)).bytes.byteLength,
        energyMicrojoules: energyOf(model, deepCompression({ clusters: 16, indexBits: 0, density: 1 })),
        notes: `${weights.map((w) => `${w.layer} k=${w.codebook.length}`).join(', ')} (${plural(epochs, 'centroid fine-tuning')}); .snn codebook indexes`,
      });
      model.dispose();
      return row;
    },
  };
}

/**
 * The whole Deep Compression pipeline (prune → cluster → Huffman), measured from the .snn it
 * writes. It starts from the 92%-pruned row's model when that ran (compress keeps an input's zeros
 * and skips pruning it already has), so the pruning is trained once for both rows.
 */
function compressedVariant(name: string, variant: string, prunedFrom: string): DemoVariant {
  return {
    name,
    async run(context: DemoContext) {
      const reused = context.shared.get(prunedFrom);
      const options = { ...DEFAULT_RECIPE, pruneEpochs: context.epochs.prune, fineTuneEpochs: context.epochs.compressFineTune };
      const result = await compress(reused ?? context.baseline, { ...options, seed: context.seed }, { train: context.train, test: context.test });
      const snn = decodeSnn(result.bytes);
      const decoded = await snnToLayersModel(snn);
      const clusters = options.clusters === null ? 'none' : formatClusterSpec(options.clusters, '/');
      const pruning = reused ? `the ${prunedFrom} row's model` : `prune ${options.prune}`;
      return measureRow(decoded, context.test, {
        variant,
        bytes: result.bytes.byteLength,
        // Sized and costed from the file itself: each layer's exact record bytes and stored form.
        energyMicrojoules: energyOf(decoded, storagePlanFromSnn(snn, describeModel(decoded))),
        notes: `.snn file: ${(4 * decoded.countParams() / result.bytes.byteLength).toFixed(1)}× smaller than fp32 weights (${pruning}, clusters ${clusters} + ${plural(options.fineTuneEpochs, 'fine-tuning')}, Huffman)`,
      });
    },
  };
}

export const DEMO_VARIANTS: DemoVariant[] = [
  prunedVariant('pruned', 'LeNet-5 pruned 92% (global magnitude)', { sparsity: 0.92, global: true }, 'prune'),
  prunedVariant('pruned-2:4', 'LeNet-5 pruned 2:4 (N:M)', { granularity: '2:4' }, 'nm'),
  restructuredVariant('separable', 'LeNet-5 separable convs ×2 depthwise (distilled)', { separable: 'all', depthMultiplier: 2 }),
  restructuredVariant('factorized', 'LeNet-5 5×5 → two 3×3 (distilled)', { factorize: 'all' }),
  quantizedVariant('qat6', 'LeNet-5 6-bit weights (QAT)', 6, 'qat6'),
  quantizedVariant('2bit', 'LeNet-5 2-bit weights (QAT, ternary)', 2, 'qat2'),
  clusteredVariant('clustered', 'LeNet-5 clustered conv:16, dense:4', { conv: 16, dense: 4 }),
  compressedVariant('compressed', 'LeNet-5 Deep Compression (.snn)', 'pruned'),
];
