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

/** Pruning while fine-tuning the baseline (the `smallnets prune` defaults), then stripped. */
function prunedVariant(name: string, variant: string, options: PruneRetrainOptions): DemoVariant {
  return {
    name,
    async run(context: DemoContext) {
      const epochs = context.quick ? 1 : PRUNE_DEFAULTS.epochs;
      const { model: stripped, report } = await pruneAndRetrain(context.baseline, { train: context.train }, { ...options, epochs, seed: context.seed, label: name });
      const row = await measureRow(stripped, context.test, {
        variant,
        bytes: await layersModelBytes(stripped),
        energyMicrojoules: energyOf(stripped),
        notes: `${(report.sparsity * 100).toFixed(1)}% of prunable weights zero (${epochs} epoch${epochs === 1 ? '' : 's'} of fine-tuning); dense TF.js files`,
      });
      stripped.dispose();
      return row;
    },
  };
}

/** LeNet-5 restructured and distilled from the baseline (the `smallnets restructure` defaults). */
function restructuredVariant(name: string, variant: string, plan: RestructurePlan): DemoVariant {
  return {
    name,
    async run(context: DemoContext) {
      const epochs = context.quick ? 1 : DISTILL_DEFAULTS.epochs;
      // restructure() builds new layers and only reads the baseline's weights; distill() only runs it.
      const student = restructure(context.baseline, { ...plan, seed: context.seed });
      distill(student, context.baseline, context.train, { epochs, schedule: 'cosine', seed: context.seed, label: name });
      const c = compareModels(context.baseline, student);
      const row = await measureRow(student, context.test, {
        variant,
        bytes: await layersModelBytes(student),
        energyMicrojoules: energyOf(student),
        notes: `MACs ${c.macsBefore.toLocaleString('en-US')} → ${c.macsAfter.toLocaleString('en-US')} ` +
          `(${(((c.macsAfter - c.macsBefore) / c.macsBefore) * 100).toFixed(0)}%); ${epochs} epoch${epochs === 1 ? '' : 's'} distillation`,
      });
      student.dispose();
      return row;
    },
  };
}

/** Quantization-aware training at `bits` (the `smallnets quantize` defaults); bytes = the .snn with affine-coded kernels. */
function quantizedVariant(name: string, variant: string, bits: number): DemoVariant {
  return {
    name,
    async run(context: DemoContext) {
      const { epochs: fullEpochs, learningRate } = qatTrainingDefaults(bits);
      const epochs = context.quick ? 1 : fullEpochs;
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
        notes: `${bits}-bit kernels (${2 ** bits - 1} levels, QAT ${epochs} epoch(s)); .snn affine codes, float32 biases`,
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
      const epochs = CLUSTER_FINE_TUNE_DEFAULTS.epochs;
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
        notes: `${weights.map((w) => `${w.layer} k=${w.codebook.length}`).join(', ')} (${epochs} epoch centroid fine-tuning); .snn codebook indexes`,
      });
      model.dispose();
      return row;
    },
  };
}

/** The whole Deep Compression pipeline (prune → cluster → Huffman), measured from the .snn it writes. */
function compressedVariant(name: string, variant: string): DemoVariant {
  return {
    name,
    async run(context: DemoContext) {
      const options = context.quick ? { ...DEFAULT_RECIPE, pruneEpochs: 1, fineTuneEpochs: 1 } : DEFAULT_RECIPE;
      const result = await compress(context.baseline, { ...options, seed: context.seed }, { train: context.train, test: context.test });
      const snn = decodeSnn(result.bytes);
      const decoded = await snnToLayersModel(snn);
      const clusters = options.clusters === null ? 'none' : formatClusterSpec(options.clusters, '/');
      return measureRow(decoded, context.test, {
        variant,
        bytes: result.bytes.byteLength,
        // Sized and costed from the file itself: each layer's exact record bytes and stored form.
        energyMicrojoules: energyOf(decoded, storagePlanFromSnn(snn, describeModel(decoded))),
        notes: `.snn file: ${(4 * decoded.countParams() / result.bytes.byteLength).toFixed(1)}× smaller than fp32 weights (prune ${options.prune}, clusters ${clusters}, Huffman)`,
      });
    },
  };
}

export const DEMO_VARIANTS: DemoVariant[] = [
  prunedVariant('pruned', 'LeNet-5 pruned 92% (global magnitude)', { sparsity: 0.92, global: true }),
  prunedVariant('pruned-2:4', 'LeNet-5 pruned 2:4 (N:M)', { granularity: '2:4' }),
  restructuredVariant('separable', 'LeNet-5 separable convs ×2 depthwise (distilled)', { separable: 'all', depthMultiplier: 2 }),
  restructuredVariant('factorized', 'LeNet-5 5×5 → two 3×3 (distilled)', { factorize: 'all' }),
  quantizedVariant('qat6', 'LeNet-5 6-bit weights (QAT)', 6),
  quantizedVariant('2bit', 'LeNet-5 2-bit weights (QAT, ternary)', 2),
  clusteredVariant('clustered', 'LeNet-5 clustered conv:16, dense:4', { conv: 16, dense: 4 }),
  compressedVariant('compressed', 'LeNet-5 Deep Compression (.snn)'),
];
