/**
 * The command lines that reproduce a trial: `smallnets compress …` with the trial's flags, preceded
 * by `smallnets restructure … &&` when the trial changed the network's structure. Exact only when
 * the trial trained on the full MNIST split with the same seed (the commands always do), so
 * explorations on a subset of the digits get no recipe.
 */
import { formatLayerFractions } from '../pipeline/layer-fractions.js';
import { anyFraction, isRestructured, type TrialConfig } from './trial-config.js';

/** Quote a shell word when it needs it. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_.,:/=@+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The reproducing command line for `config` applied to the model at `model`, writing `out`.
 *
 * @example
 * recipeFor({ ...DEFAULT_TRIAL, sparsity: 0.9, clusters: 'dense:4' }, 'out/lenet300', 1, 'x.snn');
 * // 'smallnets compress --model out/lenet300 --prune 0.9 --clusters dense:4 --epochs 1 --fine-tune-epochs 1 --seed 1 --out x.snn'
 */
export function recipeFor(config: TrialConfig, model: string, seed: number, out: string): string {
  const steps: string[] = [];
  let source = model;
  if (isRestructured(config)) {
    const student = out.replace(/\.snn$/, '') + '-restructured';
    const flags = ['--model', source];
    if (config.separable !== 'none') flags.push('--separable', config.separable);
    if (config.factorize !== 'none') flags.push('--factorize', config.factorize);
    if (config.width !== 1) flags.push('--width', String(config.width));
    flags.push('--epochs', String(config.epochs), '--seed', String(seed), '--out', student, '--force');
    steps.push(['smallnets', 'restructure', ...flags].map(shellWord).join(' '));
    source = student;
  }
  const flags = ['--model', source];
  if (anyFraction(config.filterPrune)) flags.push('--remove-filters', formatLayerFractions(config.filterPrune));
  if (anyFraction(config.sparsity)) flags.push('--prune', formatLayerFractions(config.sparsity));
  if (config.clusters !== null) flags.push('--clusters', config.clusters);
  if (config.bits !== null) flags.push('--bits', String(config.bits));
  // No technique flag would mean "the default recipe": `--prune 0` asks for none.
  if (!anyFraction(config.filterPrune) && !anyFraction(config.sparsity) && config.clusters === null && config.bits === null) flags.push('--prune', '0');
  if (!config.huffman) flags.push('--no-huffman');
  flags.push('--epochs', String(config.epochs), '--fine-tune-epochs', String(config.fineTuneEpochs), '--seed', String(seed), '--out', out);
  steps.push(['smallnets', 'compress', ...flags].map(shellWord).join(' '));
  return steps.join(' && ');
}
