/** `smallnets compress`: prune → cluster (or quantize) → Huffman into a .snn file, with a per-stage table. */
import { gzipSync } from 'node:zlib';
import type { Command } from 'commander';
import { addCommand } from './command.js';
import { numberInRange, oneOf, positiveInt, nonNegativeInt } from './options.js';
import { UsageError } from '../errors.js';
import { log, printTable } from './output.js';
import { modelArtifacts } from '../models/io.js';
import { openLayersModel } from '../pipeline/open-model.js';
import { checkOutFile, writeFileAtomic } from '../models/atomic-write.js';
import { loadMnist } from '../data/mnist.js';
import { compress, DEFAULT_RECIPE, type CompressOptions } from '../pipeline/compress.js';
import { parseClusterSpec } from '../clustering/index.js';
import * as tf from '@tensorflow/tfjs-core';

interface CompressFlags {
  model: string;
  prune?: number;
  clusters?: string;
  bits?: number;
  huffman: boolean;
  epochs?: number;
  fineTuneEpochs?: number;
  data?: 'mnist' | 'none';
  out: string;
  force?: boolean;
}

export function register(program: Command): void {
  addCommand<CompressFlags>(
    program,
    'compress',
    (cmd) =>
      cmd
        .description('Deep Compression: prune + retrain, cluster + fine-tune centroids (or quantize), Huffman-code, write a .snn file')
        .requiredOption('--model <path>', 'TF.js LayersModel directory or model.json (converter-quantized weights too)')
        .option('--prune <sparsity>', `fraction of kernel weights to zero (default recipe: ${DEFAULT_RECIPE.prune})`, numberInRange('--prune', 0, 1))
        .option('--clusters <spec>', 'k-means clusters per layer kind or name, e.g. 16 or conv:16,dense:4 (default recipe: conv:16,dense:8)')
        .option('--bits <b>', 'affine quantization bits (2–8) instead of clustering', positiveInt('--bits'))
        .option('--no-huffman', 'store index and gap streams at fixed width')
        .option('--epochs <n>', `retraining epochs after pruning (default ${DEFAULT_RECIPE.pruneEpochs})`, positiveInt('--epochs'))
        .option('--fine-tune-epochs <n>', `epochs of centroid fine-tuning / QAT (default ${DEFAULT_RECIPE.fineTuneEpochs})`, nonNegativeInt('--fine-tune-epochs'))
        .option('--data <source>', 'training data for retraining: mnist (default for 28×28×1 inputs) or none (data-free)', oneOf('--data', ['mnist', 'none'] as const))
        .requiredOption('--out <file>', 'output .snn file')
        .option('--force', 'replace an existing --out file'),
    async (_args, flags) => {
      if (!flags.out.endsWith('.snn')) throw new UsageError(`--out must name a .snn file, got ${JSON.stringify(flags.out)}`);
      await checkOutFile(flags.out, flags.force);
      const options = recipeFromFlags(flags);
      const model = (await openLayersModel(flags.model)).layers;
      const mnistShaped = isMnistShaped(model.inputs[0]!.shape);
      const source = flags.data ?? (mnistShaped ? 'mnist' : 'none');
      if (source === 'mnist' && !mnistShaped) {
        throw new UsageError(`--data mnist needs a model taking 28×28×1 images; ${flags.model} takes ${JSON.stringify(model.inputs[0]!.shape)}`);
      }
      const data = source === 'mnist' ? loadMnist() : null;
      if (!data) log('no training data (--data none): compression is data-free, without retraining or fine-tuning');
      const fp32 = await weightTensors(model);
      const result = await compress(model, { ...options, seed: flags.seed ?? options.seed }, data);
      for (const note of result.notes) log(note);
      await writeFileAtomic(flags.out, result.bytes);
      return render(flags.out, fp32, result);
    },
  );
}

function recipeFromFlags(flags: CompressFlags): CompressOptions {
  const anyTechnique = flags.prune !== undefined || flags.clusters !== undefined || flags.bits !== undefined;
  if (flags.bits !== undefined && (flags.bits < 2 || flags.bits > 8)) throw new UsageError(`--bits must be an integer in [2, 8], got ${flags.bits}`);
  if (flags.bits !== undefined && flags.clusters !== undefined) throw new UsageError('choose either --clusters or --bits, not both');
  return {
    ...DEFAULT_RECIPE,
    prune: anyTechnique ? (flags.prune ?? null) : DEFAULT_RECIPE.prune,
    clusters: anyTechnique ? (flags.clusters !== undefined ? parseClusterSpec(flags.clusters) : null) : DEFAULT_RECIPE.clusters,
    bits: flags.bits ?? null,
    huffman: flags.huffman,
    pruneEpochs: flags.epochs ?? DEFAULT_RECIPE.pruneEpochs,
    fineTuneEpochs: flags.fineTuneEpochs ?? DEFAULT_RECIPE.fineTuneEpochs,
  };
}

function isMnistShaped(shape: Array<number | null>): boolean {
  const dims = shape.slice(1);
  return (dims.length === 3 && dims[0] === 28 && dims[1] === 28 && dims[2] === 1) || (dims.length === 1 && dims[0] === 784);
}

async function weightTensors(model: import('@tensorflow/tfjs-layers').LayersModel): Promise<Map<string, Float32Array>> {
  const artifacts = await modelArtifacts(model);
  const data = new Float32Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData!));
  const map = new Map<string, Float32Array>();
  let offset = 0;
  for (const spec of artifacts.weightSpecs ?? []) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    map.set(spec.name, data.subarray(offset, offset + size));
    offset += size;
  }
  return map;
}

function render(out: string, fp32: Map<string, Float32Array>, result: Awaited<ReturnType<typeof compress>>): Record<string, unknown> {
  const fileBytes = result.bytes.byteLength;
  const layers = result.report.tensors.map((t) => {
    const original = fp32.get(t.name);
    const gzip = original ? gzipSync(new Uint8Array(original.buffer, original.byteOffset, original.byteLength), { level: 9 }).byteLength : null;
    return {
      name: t.name,
      params: t.elements,
      nonzero: t.storedValues,
      bytesDense: t.stages.dense,
      bytesPruned: t.stages.pruned,
      bytesQuantized: t.stages.quantized,
      bytesHuffman: t.stages.huffman,
      ratio: Number((t.stages.dense / Math.max(1, t.stages.huffman)).toFixed(1)),
      bytesGzipFp32: gzip,
    };
  });
  const sum = (key: 'bytesDense' | 'bytesPruned' | 'bytesQuantized' | 'bytesHuffman') => layers.reduce((s, l) => s + l[key], 0);
  const bytesOriginal = sum('bytesDense');
  const stages = [
    { stage: 'dense fp32', bytes: bytesOriginal },
    { stage: 'pruned (sparse fp32 + gaps)', bytes: sum('bytesPruned') },
    { stage: 'quantized (indexes + codebooks)', bytes: sum('bytesQuantized') },
    { stage: 'Huffman', bytes: sum('bytesHuffman') },
    { stage: '.snn file (topology, headers, checksum)', bytes: fileBytes },
  ];
  const gzipTotal = layers.reduce((s, l) => s + (l.bytesGzipFp32 ?? 0), 0);
  printTable(
    ['tensor', 'params', 'nonzero', 'fp32 B', 'pruned B', 'quantized B', 'Huffman B', 'ratio', 'gzip fp32 B'],
    [
      ...layers.map((l) => [l.name, l.params, l.nonzero, l.bytesDense, l.bytesPruned, l.bytesQuantized, l.bytesHuffman, `${l.ratio}×`, l.bytesGzipFp32]),
      ['total', layers.reduce((s, l) => s + l.params, 0), layers.reduce((s, l) => s + l.nonzero, 0), bytesOriginal, sum('bytesPruned'),
        sum('bytesQuantized'), sum('bytesHuffman'), `${(bytesOriginal / Math.max(1, sum('bytesHuffman'))).toFixed(1)}×`, gzipTotal],
    ],
  );
  const ratio = bytesOriginal / fileBytes;
  const acc = (a: number | null) => (a === null ? 'n/a' : `${(a * 100).toFixed(2)}%`);
  log(`${out}: ${fileBytes.toLocaleString('en-US')} bytes, ${ratio.toFixed(1)}× smaller than fp32 weights (gzip of fp32: ${(bytesOriginal / gzipTotal).toFixed(2)}×); test accuracy ${acc(result.testAccuracyBefore)} → ${acc(result.testAccuracyAfter)}`);
  return {
    command: 'compress',
    bytesOriginal,
    bytesCompressed: fileBytes,
    ratio: Number(ratio.toFixed(2)),
    testAccuracyBefore: result.testAccuracyBefore,
    testAccuracyAfter: result.testAccuracyAfter,
    stages,
    layers,
    out,
  };
}
