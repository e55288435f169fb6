import { describe, expect, it } from 'vitest';
import { parseClusterSpec } from '../clustering/index.js';
import { parseLayerFractions } from '../pipeline/layer-fractions.js';
import { recipeFor } from './recipe.js';
import { normalizeConfig } from './trial-config.js';

/** The value of `--flag` in a command line. */
function flag(command: string, name: string): string | undefined {
  const words = command.split(' ');
  const i = words.indexOf(name);
  return i < 0 ? undefined : words[i + 1];
}

describe('recipes', () => {
  it('per-layer settings print as compress flags that parse back to the same values', () => {
    const config = normalizeConfig({ filterPrune: { fc1: 0.3 }, sparsity: { fc1: 0.97, fc2: 0.9, fc3: 0.7 }, clusters: 'fc1:4,fc2:8,fc3:16', epochs: 10, fineTuneEpochs: 2 });
    const recipe = recipeFor(config, 'out/lenet300', 3, 'best.snn');
    expect(recipe).toBe('smallnets compress --model out/lenet300 --remove-filters fc1:0.3 --prune fc1:0.97,fc2:0.9,fc3:0.7 --clusters fc1:4,fc2:8,fc3:16 --epochs 10 --fine-tune-epochs 2 --seed 3 --out best.snn');
    expect(parseLayerFractions(flag(recipe, '--prune')!, 'prune')).toEqual(config.sparsity);
    expect(parseLayerFractions(flag(recipe, '--remove-filters')!, 'removeFilters')).toEqual(config.filterPrune);
    expect(parseClusterSpec(flag(recipe, '--clusters')!)).toEqual({ fc1: 4, fc2: 8, fc3: 16 });
  });

  it('a restructured trial is restructure && compress; a plain trial says --prune 0; paths with spaces are quoted', () => {
    const restructured = recipeFor(normalizeConfig({ width: 0.5, separable: 'all', sparsity: 0.9, epochs: 2 }), 'my models/l5', 1, 't.snn');
    expect(restructured).toBe("smallnets restructure --model 'my models/l5' --separable all --width 0.5 --epochs 2 --seed 1 --out t-restructured --force && " +
      'smallnets compress --model t-restructured --prune 0.9 --epochs 2 --fine-tune-epochs 1 --seed 1 --out t.snn');
    expect(recipeFor(normalizeConfig({ huffman: false }), 'm', 1, 'x.snn')).toBe('smallnets compress --model m --prune 0 --no-huffman --epochs 1 --fine-tune-epochs 1 --seed 1 --out x.snn');
  });
});
