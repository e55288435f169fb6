import { describe, expect, it } from 'vitest';
import { currentRecipes, recipeFor } from './recipe.js';
import { normalizeConfig } from './trial-config.js';

describe('recipes', () => {
  it('per-layer settings print as compress flags, every stage spelled out', () => {
    const config = normalizeConfig({ filterPrune: { fc1: 0.3 }, sparsity: { fc1: 0.97, fc2: 0.9, fc3: 0.7 }, clusters: 'fc1:4,fc2:8,fc3:16', epochs: 10, fineTuneEpochs: 2 });
    expect(recipeFor(config, 'out/lenet300', 3, 'best.snn')).toBe(
      'smallnets compress out/lenet300 --remove-filters fc1:0.3 --sparsity fc1:0.97,fc2:0.9,fc3:0.7 --clusters fc1:4,fc2:8,fc3:16 --epochs 10 --fine-tune-epochs 2 --seed 3 --threads 1 --out best.snn',
    );
  });

  it('a restructured trial is restructure && compress; absent stages are --sparsity 0 / --clusters none; paths with spaces are quoted', () => {
    const restructured = recipeFor(normalizeConfig({ width: 0.5, separable: 'all', sparsity: 0.9, epochs: 2 }), 'my models/l5', 1, 't.snn');
    expect(restructured).toBe("smallnets restructure 'my models/l5' --separable all --width 0.5 --epochs 2 --seed 1 --threads 1 --out t-restructured --force && " +
      'smallnets compress t-restructured --sparsity 0.9 --clusters none --epochs 2 --fine-tune-epochs 1 --seed 1 --threads 1 --out t.snn');
    expect(recipeFor(normalizeConfig({ huffman: false, bits: 4 }), 'm', 1, 'x.snn')).toBe(
      'smallnets compress m --sparsity 0 --bits 4 --no-huffman --epochs 1 --fine-tune-epochs 1 --seed 1 --threads 1 --out x.snn');
  });

  it('a stored recipe in the old grammar is rewritten from the config; a record without one keeps none', () => {
    const config = { filterPrune: { fc1: 0.3 }, sparsity: { fc1: 0.9 }, clusters: 'fc1:4', epochs: 10, fineTuneEpochs: 2 };
    const base = { config, status: 'done' as const, seconds: 1, startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:01Z' };
    const [old, subset] = currentRecipes([
      { ...base, key: 'aa11', recipe: 'smallnets compress --model out/lenet300 --remove-filters fc1:0.3 --prune fc1:0.9 --clusters fc1:4 --out trial-aa11.snn' },
      { ...base, key: 'bb22' },
    ], 'out/lenet300', 1);
    expect(old!.recipe).toBe('smallnets compress out/lenet300 --remove-filters fc1:0.3 --sparsity fc1:0.9 --clusters fc1:4 --epochs 10 --fine-tune-epochs 2 --seed 1 --threads 1 --out trial-aa11.snn');
    expect(subset!.recipe).toBeUndefined();
  });
});
