import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../engine/backend.js';
import { lenet5 } from '../models/lenet.js';
import { cloneSpec, rebuildModel } from './rebuild.js';
import { maxAbsDiff, predictValues, randomImages } from '../restructure/models.test-util.js';

beforeAll(async () => {
  await initBackend('cpu');
});

function residualNet(): tfl.LayersModel {
  const input = tfl.input({ shape: [8, 8, 4], name: 'in' });
  const a = tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'a' }).apply(input) as tfl.SymbolicTensor;
  const sum = tfl.layers.add({ name: 'sum' }).apply([a, input]) as tfl.SymbolicTensor;
  const flat = tfl.layers.flatten({ name: 'flat' }).apply(sum) as tfl.SymbolicTensor;
  const out = tfl.layers.dense({ units: 3, name: 'out' }).apply(flat) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out, name: 'res' });
}

describe('rebuildModel', () => {
  it('an identity rebuild of a Sequential model is a Sequential copy with the same outputs', () => {
    const model = lenet5(3);
    const { model: copy, reinitialized } = rebuildModel(model);
    expect(copy.getClassName()).toBe('Sequential');
    expect(reinitialized).toEqual([]);
    const x = randomImages(2, 28, 1);
    expect(maxAbsDiff(predictValues(copy, x), predictValues(model, x))).toBe(0);
  });

  it('functional graphs keep their wiring (a residual Add), and replacements slot in', () => {
    const model = residualNet();
    const x = randomImages(2, 8, 4);
    const { model: copy } = rebuildModel(model);
    expect(maxAbsDiff(predictValues(copy, x), predictValues(model, x))).toBe(0);
    const replaced = rebuildModel(model, {
      replace: (layer) => (layer.name === 'a' ? [cloneSpec(layer, { name: 'a_1' }), cloneSpec(layer, { name: 'a_2' })] : undefined),
    });
    expect(replaced.model.layers.map((l) => l.name)).toEqual(['in', 'a_1', 'a_2', 'sum', 'flat', 'out']);
    expect(replaced.layers.get('a')!.map((l) => l.name)).toEqual(['a_1', 'a_2']);
  });

  it('a shared layer is instantiated once and called twice; a nested model is kept whole with its weights', () => {
    const input = tfl.input({ shape: [4], name: 'x' });
    const shared = tfl.layers.dense({ units: 4, name: 'shared', kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) });
    const inner = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [4], units: 2, name: 'inner_fc' })], name: 'inner' });
    const y = inner.apply(shared.apply(shared.apply(input))) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: y, name: 'sharing' });
    const x = tf.randomUniform([3, 4], -1, 1, 'float32', 5);
    const { model: copy, reinitialized } = rebuildModel(model);
    expect(reinitialized).toEqual([]);
    expect(copy.layers.map((l) => l.name)).toEqual(['x', 'shared', 'inner']);
    expect(copy.getLayer('shared').inboundNodes).toHaveLength(2);
    expect(maxAbsDiff(predictValues(copy, x), predictValues(model, x))).toBe(0);
    // The copy is independent: changing it leaves the original alone.
    copy.getLayer('shared').setWeights(copy.getLayer('shared').getWeights().map((w) => tf.zerosLike(w)));
    expect(model.getLayer('shared').getWeights()[0]!.dataSync().some((v) => v !== 0)).toBe(true);
  });

  it('given weights win, kept layers whose shapes changed are listed as reinitialized', () => {
    const model = residualNet();
    const bias = tf.fill([4], 0.5);
    const given = rebuildModel(model, { weights: (layer, base) => (layer === 'a' && base === 'bias' ? bias : undefined) });
    expect(Array.from(given.model.getLayer('a').getWeights()[1]!.dataSync())).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect(Array.from(given.model.getLayer('a').getWeights()[0]!.dataSync())).toEqual(Array.from(model.getLayer('a').getWeights()[0]!.dataSync()));
    const smaller = rebuildModel(model, { inputShape: [6, 6, 4] });
    expect(smaller.reinitialized).toEqual(['out']);
  });
});
