/**
 * `smallnets compress`: (remove filters/units →) prune → cluster (or quantize) → Huffman into a .snn
 * file, with a per-stage table. Every stage takes one setting for all layers or one per layer.
 */
import { Option, type Command } from 'commander';
import { addCommand, examples } from './command.js';
import { optionWithDefaultText, positiveInt, nonNegativeInt } from './options.js';
import { UsageError } from '../errors.js';
import { log, printResult, printTable, warnOnAccuracyDrop } from './output.js';
import { checkOutFile, writeFileAtomic } from '../models/atomic-write.js';
import { addDataFlags, dataOptions, type DataFlags } from './data-flags.js';
import { anyFraction, describeRecipe, DEFAULT_RECIPE, type CompressOptions } from '../pipeline/compress-recipe.js';
import { parseClusterSpec } from '../clustering/spec.js';
import { parseLayerFractions, type LayerFractions } from '../pipeline/layer-fractions.js';

interface CompressFlags extends DataFlags {
  model: string;
  sparsity?: LayerFractions;
  /** The old name of --sparsity, still accepted. */
  prune?: LayerFractions;
  removeFilters?: LayerFractions;
  clusters?: string;
  bits?: number;
  huffman: boolean;
  distill?: boolean;
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
      addDataFlags(examples(cmd, [
        'compress out/lenet5 --out out/lenet5.snn',
        'compress out/lenet5 --sparsity 0.9 --out out/lenet5-p90.snn',
        'compress out/lenet5 --bits 4 --out out/lenet5-int4.snn',
        'compress out/lenet300 --remove-filters fc1:0.3 --sparsity fc1:0.97,fc2:0.9 --clusters fc1:4,fc2:8,fc3:16 --out out/l300.snn',
      ])
        .description('Deep Compression: prune + retrain, cluster + fine-tune centroids (or quantize), Huffman-code, write a .snn file')
        .addOption(optionWithDefaultText('--sparsity <x>', 'fraction of kernel weights to zero: one global threshold, or per layer as fc1:0.97,fc2:0.9 (other layers unpruned); 0: no pruning; the input\'s zeros are always kept', String(DEFAULT_RECIPE.prune), layerFractionsFlag('--sparsity', 'prune')))
        .addOption(new Option('--prune <x>', 'old name of --sparsity').argParser(layerFractionsFlag('--prune', 'prune')).hideHelp())
        .addOption(optionWithDefaultText('--remove-filters <x>', 'fraction of conv filters / dense units to remove (L1, retrained), in every hidden layer or per layer as conv2:0.4,fc1:0.7; runs before pruning', 'none', layerFractionsFlag('--remove-filters', 'removeFilters', 0.99)))
        .addOption(optionWithDefaultText('--clusters <spec>', 'k-means clusters per layer kind or name, e.g. 16, conv:16,dense:4 or fc1:4,fc2:8; none: no clustering', 'conv:16,dense:8'))
        .option('--bits <b>', 'affine quantization bits (2–8) instead of clustering', positiveInt('--bits'))
        .option('--no-huffman', 'store index and gap streams at fixed width')
        .option('--distill', 'retrain by distillation from the input model (its soft outputs at T = 4, weight 0.7) instead of on the labels alone')
        .addOption(optionWithDefaultText('--epochs <n>', 'retraining epochs after pruning', String(DEFAULT_RECIPE.pruneEpochs), positiveInt('--epochs')))
        .addOption(optionWithDefaultText('--fine-tune-epochs <n>', 'epochs of centroid fine-tuning / QAT', String(DEFAULT_RECIPE.fineTuneEpochs), nonNegativeInt('--fine-tune-epochs')))
        .requiredOption('--out <file>', 'output .snn file')
        .option('--force', 'replace an existing --out file'), { none: true, what: 'data to retrain and measure on' }),
    async (_args, flags) => {
      const { openLayersModel } = await import('../pipeline/open-model.js');
      const { compress } = await import('../pipeline/compress.js');
      const { describeData, trainingDataFor } = await import('../pipeline/training-data.js');
      if (!flags.out.endsWith('.snn')) throw new UsageError(`--out must name a .snn file, got ${JSON.stringify(flags.out)}`);
      await checkOutFile(flags.out, flags.force);
      const options = recipeFromFlags(flags);
      const model = (await openLayersModel(flags.model)).layers;
      const data = await trainingDataFor(model, flags.data, dataOptions(flags));
      log(`recipe: ${describeRecipe(options, !data)} → ${flags.out}`);
      if (!data) log('no training data (--data none): compression is data-free, without retraining or fine-tuning');
      const result = await compress(model, { ...options, seed: flags.seed ?? options.seed }, data);
      for (const line of result.notes) log(line);
      await writeFileAtomic(flags.out, result.bytes, { force: flags.force ?? false });
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
      printResult(`${flags.out}: ${sizes.bytesCompressed.toLocaleString('en-US')} bytes, ${(sizes.bytesOriginal / sizes.bytesCompressed).toFixed(1)}× smaller than fp32 weights ` +
        `(gzip of fp32: ${(sizes.bytesOriginal / sizes.bytesGzipFp32).toFixed(2)}×); test accuracy ${acc(result.testAccuracyBefore)} → ${acc(result.testAccuracyAfter)}`);
      warnOnAccuracyDrop(result.testAccuracyBefore, result.testAccuracyAfter, 'try a lower --sparsity, more --clusters or --bits, or more --epochs');
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
    { table: true, trains: true, model: 'trained model: directory, model.json, URL, .snn (converter-quantized weights too)' },
  );
}

/**
 * The default recipe with each given flag replacing its own stage only: `--sparsity 0.5` keeps the
 * clustering, `--bits 4` replaces clustering by quantization, `--clusters none` / `--sparsity 0`
 * drop a stage, `--remove-filters` adds one (the default removes none).
 */
export function recipeFromFlags(flags: Pick<CompressFlags, 'sparsity' | 'prune' | 'removeFilters' | 'clusters' | 'bits' | 'huffman' | 'distill' | 'epochs' | 'fineTuneEpochs'>): CompressOptions {
  const sparsity = flags.sparsity ?? flags.prune;
  if (flags.bits !== undefined && (flags.bits < 2 || flags.bits > 8)) throw new UsageError(`--bits must be an integer in [2, 8], got ${flags.bits}`);
  const clustersGiven = flags.clusters !== undefined && flags.clusters !== 'none';
  if (flags.bits !== undefined && clustersGiven) throw new UsageError('choose either --clusters or --bits, not both');
  let clusters: CompressOptions['clusters'];
  if (flags.clusters === 'none' || flags.bits !== undefined) clusters = null;
  else if (flags.clusters !== undefined) clusters = parseClusterSpec(flags.clusters);
  else clusters = DEFAULT_RECIPE.clusters;
  return {
    ...DEFAULT_RECIPE,
    removeFilters: flags.removeFilters !== undefined && anyFraction(flags.removeFilters) ? flags.removeFilters : null,
    prune: sparsity === undefined ? DEFAULT_RECIPE.prune : anyFraction(sparsity) ? sparsity : null,
    clusters,
    bits: flags.bits ?? null,
    huffman: flags.huffman,
    ...(flags.distill ? { distill: true } : {}),
    pruneEpochs: flags.epochs ?? DEFAULT_RECIPE.pruneEpochs,
    fineTuneEpochs: flags.fineTuneEpochs ?? DEFAULT_RECIPE.fineTuneEpochs,
  };
}

/** A `0.9` or `fc1:0.97,fc2:0.9` flag value; errors name `flag` as typed. */
function layerFractionsFlag(flag: string, option: string, max = 1): (value: string) => LayerFractions {
  return (value) => parseLayerFractions(value, option, max, flag);
}
