/** `smallnets compress`: prune → cluster (or quantize) → Huffman into a .snn file, with a per-stage table. */
import type { Command } from 'commander';
import { addCommand } from './command.js';
import { numberInRange, oneOf, positiveInt, nonNegativeInt } from './options.js';
import { UsageError } from '../errors.js';
import { log, printTable } from './output.js';
import { openLayersModel } from '../pipeline/open-model.js';
import { checkOutFile, writeFileAtomic } from '../models/atomic-write.js';
import { compress, DEFAULT_RECIPE, type CompressOptions } from '../pipeline/compress.js';
import { describeData, trainingDataFor } from '../pipeline/training-data.js';
import { addDataFlags, dataOptions, type DataFlags } from './data-flags.js';
import { parseClusterSpec } from '../clustering/index.js';

interface CompressFlags extends DataFlags {
  model: string;
  prune?: number;
  clusters?: string;
  bits?: number;
  huffman: boolean;
  epochs?: number;
  fineTuneEpochs?: number;
  out: string;
  force?: boolean;
}

export function register(program: Command): void {
  addCommand<CompressFlags>(
    program,
    'compress',
    (cmd) =>
      addDataFlags(cmd
        .description('Deep Compression: prune + retrain, cluster + fine-tune centroids (or quantize), Huffman-code, write a .snn file')
        .requiredOption('--model <path>', 'TF.js LayersModel directory or model.json (converter-quantized weights too)')
        .option('--prune <sparsity>', `fraction of kernel weights to zero (default recipe: ${DEFAULT_RECIPE.prune})`, numberInRange('--prune', 0, 1))
        .option('--clusters <spec>', 'k-means clusters per layer kind or name, e.g. 16 or conv:16,dense:4 (default recipe: conv:16,dense:8)')
        .option('--bits <b>', 'affine quantization bits (2–8) instead of clustering', positiveInt('--bits'))
        .option('--no-huffman', 'store index and gap streams at fixed width')
        .option('--epochs <n>', `retraining epochs after pruning (default ${DEFAULT_RECIPE.pruneEpochs})`, positiveInt('--epochs'))
        .option('--fine-tune-epochs <n>', `epochs of centroid fine-tuning / QAT (default ${DEFAULT_RECIPE.fineTuneEpochs})`, nonNegativeInt('--fine-tune-epochs'))
        .requiredOption('--out <file>', 'output .snn file')
        .option('--force', 'replace an existing --out file'), { none: true, what: 'data to retrain and measure on' }),
    async (_args, flags) => {
      if (!flags.out.endsWith('.snn')) throw new UsageError(`--out must name a .snn file, got ${JSON.stringify(flags.out)}`);
      await checkOutFile(flags.out, flags.force);
      const options = recipeFromFlags(flags);
      const model = (await openLayersModel(flags.model)).layers;
      const data = await trainingDataFor(model, flags.data, dataOptions(flags));
      if (!data) log('no training data (--data none): compression is data-free, without retraining or fine-tuning');
      const result = await compress(model, { ...options, seed: flags.seed ?? options.seed }, data);
      for (const line of result.notes) log(line);
      await writeFileAtomic(flags.out, result.bytes);
      const { sizes } = result;
      const total = (key: 'params' | 'nonzero' | 'bytesDense' | 'bytesPruned' | 'bytesQuantized' | 'bytesHuffman') => sizes.layers.reduce((s, l) => s + l[key], 0);
      printTable(
        ['tensor', 'params', 'nonzero', 'fp32 B', 'pruned B', 'quantized B', 'Huffman B', 'ratio', 'gzip fp32 B'],
        [
          ...sizes.layers.map((l) => [l.name, l.params, l.nonzero, l.bytesDense, l.bytesPruned, l.bytesQuantized, l.bytesHuffman, `${l.ratio}×`, l.bytesGzipFp32]),
          ['total', total('params'), total('nonzero'), total('bytesDense'), total('bytesPruned'), total('bytesQuantized'), total('bytesHuffman'),
            `${(total('bytesDense') / Math.max(1, total('bytesHuffman'))).toFixed(1)}×`, sizes.bytesGzipFp32],
        ],
      );
      const acc = (a: number | null) => (a === null ? 'n/a' : `${(a * 100).toFixed(2)}%`);
      log(`${flags.out}: ${sizes.bytesCompressed.toLocaleString('en-US')} bytes, ${(sizes.bytesOriginal / sizes.bytesCompressed).toFixed(1)}× smaller than fp32 weights ` +
        `(gzip of fp32: ${(sizes.bytesOriginal / sizes.bytesGzipFp32).toFixed(2)}×); test accuracy ${acc(result.testAccuracyBefore)} → ${acc(result.testAccuracyAfter)}`);
      return {
        command: 'compress',
        bytesOriginal: sizes.bytesOriginal,
        bytesCompressed: sizes.bytesCompressed,
        ratio: sizes.ratio,
        testAccuracyBefore: result.testAccuracyBefore,
        testAccuracyAfter: result.testAccuracyAfter,
        data: describeData(data),
        stages: sizes.stages,
        layers: sizes.layers,
        out: flags.out,
      };
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
