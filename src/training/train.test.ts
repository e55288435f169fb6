import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../engine/backend.js';
import { loadMnist } from '../data/mnist.js';
import { head, subset } from '../data/split.js';
import { lenet5, lenet300 } from '../models/lenet.js';
import * as tfl from '@tensorflow/tfjs-layers';
import { mulberry32 } from '../random.js';
import { trainModel } from './train.js';
import { evaluateAccuracy } from './evaluate.js';

describe('training on the wasm backend', () => {
  beforeAll(() => initBackend('wasm'));

  it('one epoch of LeNet-5 on 1,024 digits reaches well above chance on 500 test digits', () => {
    const { train, test } = loadMnist();
    const model = lenet5(1);
    const result = trainModel(model, head(train, 1024), { epochs: 1, batchSize: 32, learningRate: 2e-3, progress: false });
    expect(result.steps).toBe(32);
    expect(evaluateAccuracy(model, head(test, 500))).toBeGreaterThan(0.6);
  });

  it('is reproducible: the same seed gives the same weights', () => {
    const { train } = loadMnist();
    const run = () => {
      const model = lenet300(5);
      trainModel(model, head(train, 256), { epochs: 1, seed: 9, progress: false });
      return model.getWeights()[0]!.dataSync().slice(0, 50);
    };
    expect(Array.from(run())).toEqual(Array.from(run()));
  });

  it('calls beforeStep and afterStep once per optimizer step with the global step', () => {
    const { train } = loadMnist();
    const model = lenet300(1);
    const before: number[] = [];
    const after: number[] = [];
    trainModel(model, head(train, 100), {
      epochs: 2, batchSize: 50, progress: false, beforeStep: (s) => before.push(s), afterStep: (s) => after.push(s),
    });
    expect(before).toEqual([1, 2, 3, 4]);
    expect(after).toEqual([1, 2, 3, 4]);
  });

  it('rejects bad options with a usage error naming the value', () => {
    const model = lenet300(1);
    const split = subset(loadMnist().train, [0, 1]);
    expect(() => trainModel(model, split, { epochs: 0 })).toThrow(/`epochs` must be a positive integer, got 0/);
    expect(() => trainModel(model, split, { epochs: 1, learningRate: -1 })).toThrow(/`learningRate` must be a positive number/);
    expect(() => trainModel(model, split, { epochs: 1, batchSize: 1.5 })).toThrow(/`batchSize` must be a positive integer/);
  });

  it('is not bound to MNIST: 3 classes of 6×6 RGB images, shifted, learned by a 3-output model', () => {
    // Class c: channel c bright in the image's centre, noise elsewhere.
    const random = mulberry32(3);
    const count = 240;
    const images = new Float32Array(count * 108);
    const labels = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      labels[i] = i % 3;
      for (let p = 0; p < 36; p++) for (let c = 0; c < 3; c++) {
        const centre = p % 6 >= 1 && p % 6 <= 4 && Math.floor(p / 6) >= 1 && Math.floor(p / 6) <= 4;
        images[i * 108 + p * 3 + c] = centre && c === labels[i] ? 0.8 + 0.2 * random() : 0.3 * random();
      }
    }
    const split = { images, labels, count, shape: [6, 6, 3] as const, classes: 3 };
    const model = tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: [6, 6, 3] }), tfl.layers.dense({ units: 3, activation: 'softmax' })] });
    trainModel(model, split, { epochs: 8, batchSize: 16, learningRate: 1e-2, augment: { maxShift: 1 }, progress: false });
    expect(evaluateAccuracy(model, split)).toBeGreaterThan(0.9);
    const wrongClasses = { ...split, classes: 4 };
    expect(() => trainModel(model, wrongClasses, { epochs: 1 })).toThrow(/the data has 4 classes but the model outputs 3/);
    expect(() => trainModel(lenet300(1), split, { epochs: 1 })).toThrow(/the data holds 6×6×3 images but the model takes \[28, 28, 1\]/);
    expect(lenet5(1, { classes: 3 }).outputs[0]!.shape).toEqual([null, 3]);
  });
});

