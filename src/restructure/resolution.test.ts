import { beforeAll, describe, expect, it } from 'vitest';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../engine/backend.js';
import { describeModel } from '../analysis/describe.js';
import { lenet5 } from '../models/lenet.js';
import { resolution } from './resolution.js';
import { maxAbsDiff, predictValues, randomImages } from './models.test-util.js';

beforeAll(async () => {
  await initBackend('cpu');
});

/** Conv → global pooling → dense: weights independent of the input size, like MobileNet. */
function globalPoolNet(): tfl.LayersModel {
  const input = tfl.input({ shape: [32, 32, 3] });
  let x = tfl.layers.conv2d({ filters: 6, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', name: 'conv' }).apply(input) as tfl.SymbolicTensor;
  x = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(x) as tfl.SymbolicTensor;
  const y = tfl.layers.dense({ units: 4, activation: 'softmax', name: 'fc' }).apply(x) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: y, name: 'gpn' });
}

describe('resolution', () => {
  it('global-pool nets keep every weight; conv MACs scale with the output area', () => {
    const model = globalPoolNet();
    const small = resolution(model, 16);
    expect(small.inputs[0]!.shape).toEqual([null, 16, 16, 3]);
    expect(small.countParams()).toBe(model.countParams());
    const macs = (m: tfl.LayersModel) => describeModel(m, { measureSparsity: false }).layers.find((l) => l.name === 'conv')!.macs;
    expect(macs(small) / macs(model)).toBe(1 / 4);
    expect(small.getLayer('fc').getWeights()[0]!.dataSync()).toEqual(model.getLayer('fc').getWeights()[0]!.dataSync());
  });

  it('the same size is an exact copy; [h, w] sizes work', () => {
    const model = globalPoolNet();
    const x = randomImages(2, 32, 3);
    expect(maxAbsDiff(predictValues(resolution(model, 32), x), predictValues(model, x))).toBe(0);
    expect(resolution(model, [24, 40]).inputs[0]!.shape).toEqual([null, 24, 40, 3]);
  });

  it('Flatten → Dense weights depend on the size: refused unless reinitialize', () => {
    expect(() => resolution(lenet5(1), 32)).toThrow(/at 32×32 the weights of fc1 no longer fit/);
    const big = resolution(lenet5(1), 32, { reinitialize: true });
    expect(big.getLayer('fc1').getWeights()[0]!.shape).toEqual([5 * 5 * 50, 500]);
    expect(big.getLayer('conv2').getWeights()[0]!.dataSync()).toEqual(lenet5(1).getLayer('conv2').getWeights()[0]!.dataSync());
  });

  it('sizes too small for the convs and bad sizes are usage errors', () => {
    expect(() => resolution(lenet5(1), 8)).toThrow(/cannot build the rebuilt model/);
    expect(() => resolution(lenet5(1), 0)).toThrow(/input size must be positive integers, got 0/);
  });
});
