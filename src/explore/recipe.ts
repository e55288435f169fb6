/**
 * The command lines that reproduce a trial: `smallnets compress …` with the trial's flags, preceded
 * by `smallnets restructure … &&` when the trial changed the network's structure. Exact only when
 * the trial trained on the full MNIST split with the same seed (the commands always do), so
 * explorations on a subset of the digits get no recipe.
 */
import { formatLayerFractions } from '../pipeline/layer-fractions.js';
import { anyFraction, isRestructured, normalizeConfig, type TrialConfig } from './trial-config.js';
import type { TrialRecord } from './trial-record.js';

/** Quote a shell word when it needs it. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_.,:/=@+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The reproducing command line for `config` applied to the model at `model`, writing `out`. Every
 * stage is spelled out (compress's flags each replace only their own stage of its default recipe,
 * so an absent stage is `--sparsity 0` / `--clusters none`), and training runs on one thread as
 * trials do (`--threads 1`: two threads sum gradients in another order, so they drift apart in the
 * last bits).
 *
 * @example
 * recipeFor({ ...DEFAULT_TRIAL, sparsity: 0.9, clusters: 'dense:4' }, 'out/lenet300', 1, 'x.snn');
 * // 'smallnets compress out/lenet300 --sparsity 0.9 --clusters dense:4 --epochs 1 --fine-tune-epochs 1 --seed 1 --threads 1 --out x.snn'
 */
export function recipeFor(config: TrialConfig, model: string, seed: number, out: string): string {
  const steps: string[] = [];
  let source = model;
  if (isRestructured(config)) {
    const student = out.replace(/\.snn$/, '') + '-restructured';
    const flags = [source];
    if (config.separable !== 'none') flags.push('--separable', config.separable);
    if (config.factorize !== 'none') flags.push('--factorize', config.factorize);
    if (config.width !== 1) flags.push('--width', String(config.width));
    flags.push('--epochs', String(config.epochs), '--seed', String(seed), '--threads', '1', '--out', student, '--force');
    steps.push(['smallnets', 'restructure', ...flags].map(shellWord).join(' '));
    source = student;
  }
  const flags = [source];
  if (anyFraction(config.filterPrune)) flags.push('--remove-filters', formatLayerFractions(config.filterPrune));
  flags.push('--sparsity', anyFraction(config.sparsity) ? formatLayerFractions(config.sparsity) : '0');
  if (config.bits !== null) flags.push('--bits', String(config.bits));
  else flags.push('--clusters', config.clusters ?? 'none');
  if (!config.huffman) flags.push('--no-huffman');
  if (config.distill) flags.push('--distill');
  flags.push('--epochs', String(config.epochs), '--fine-tune-epochs', String(config.fineTuneEpochs), '--seed', String(seed), '--threads', '1', '--out', out);
  steps.push(['smallnets', 'compress', ...flags].map(shellWord).join(' '));
  return steps.join(' && ');
}

/**
 * The records with their recipes in today's command-line grammar: a recipe is a function of the
 * config, so a resumed store whose log holds recipes in an older grammar (`--model X --prune …`)
 * still prints commands that run now. Records without a recipe (subset data) keep none.
 *
 * @example
 * const records = currentRecipes(store.records(), 'out/lenet300', 1);
 */
export function currentRecipes(records: readonly TrialRecord[], model: string, seed: number): TrialRecord[] {
  return records.map((r) => {
    if (r.recipe === undefined) return r;
    try {
      return { ...r, recipe: recipeFor(normalizeConfig(r.config), model, seed, `trial-${r.key}.snn`) };
    } catch {
      return r;
    }
  });
}
