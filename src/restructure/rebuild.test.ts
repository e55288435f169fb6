import { beforeAll, describe, expect, it } from 'vitest';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../engine/backend.js';
import { lenet5 } from '../models/lenet.js';
import { cloneSpec, rebuildModel } from './rebuild.js';
import { maxAbsDiff, predictValues, randomImages } from './models.test-util.js';

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

  it('shared layers and nested models are refused with the layer named', () => {
    const input = tfl.input({ shape: [4] });
    const shared = tfl.layers.dense({ units: 4, name: 'shared' });
    const y = shared.apply(shared.apply(input)) as tfl.SymbolicTensor;
    expect(() => rebuildModel(tfl.model({ inputs: input, outputs: y }))).toThrow(/layer 'shared' is called/);
    const inner = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [4], units: 2 })], name: 'inner' });
    const outer = tfl.sequential({ layers: [inner] });
    expect(() => rebuildModel(outer)).toThrow(/layer 'inner' is a nested model/);
  });
});
