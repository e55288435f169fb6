import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../engine/backend.js';
import { lenet5, lenet300 } from './lenet.js';

describe('LeNets (Deep Compression / Caffe definitions)', () => {
  beforeAll(() => initBackend('wasm'));

  it('LeNet-300-100 has 266,610 parameters', () => {
    expect(lenet300().countParams()).toBe(266_610);
  });

  it('LeNet-5 has 431,080 parameters', () => {
    expect(lenet5().countParams()).toBe(431_080);
  });

  it('layer names are stable (formats and techniques refer to them)', () => {
    expect(lenet5().layers.map((l) => l.name)).toEqual(['conv1', 'pool1', 'conv2', 'pool2', 'flatten', 'fc1', 'fc2']);
    expect(lenet300().layers.map((l) => l.name)).toEqual(['flatten', 'fc1', 'fc2', 'fc3']);
  });

  it('the same seed gives the same initial weights', () => {
    const a = lenet5(3).getWeights()[0]!.dataSync();
    const b = lenet5(3).getWeights()[0]!.dataSync();
    const c = lenet5(4).getWeights()[0]!.dataSync();
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });
});
