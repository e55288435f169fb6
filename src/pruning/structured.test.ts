import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../engine/backend.js';
import { RuntimeError, UsageError } from '../errors.js';
import { lenet5 } from '../models/lenet.js';
import { summarize } from '../analysis/index.js';
import { mulberry32 } from '../random.js';
import { traceFilterChain } from './chain.js';
import { prune, pruningState, stripPruning } from './prune.js';
import { constant } from './schedule.js';
import { removePrunedFilters } from './structured.js';

beforeAll(async () => {
  await initBackend('cpu');
});

function maxAbsDiff(a: tfl.LayersModel, b: tfl.LayersModel, x: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a.predict(x) as tf.Tensor, b.predict(x) as tf.Tensor))).dataSync()[0]!);
}

function randomize(model: tfl.LayersModel, seed: number): void {
  const random = mulberry32(seed);
  for (const layer of model.layers) {
    layer.setWeights(
      layer.getWeights().map((w) => {
        const name = layer.weights[layer.getWeights().indexOf(w)]!.originalName;
        // Positive variances; everything else, BN betas and means included, nonzero so the
        // constants of removed channels are nonzero and must be folded.
        const positive = name.endsWith('moving_variance') || name.endsWith('gamma');
        return tf.tensor(Float32Array.from({ length: w.size }, () => (positive ? 0.5 + random() : random() * 2 - 1) * 0.5), w.shape);
      }),
    );
  }
}

/** conv(valid) → BN → pool → conv(valid) → flatten → dense → dropout → dense. */
function smallConvNet(): tfl.LayersModel {
  const model = tfl.sequential({ name: 'small' });
  model.add(tfl.layers.conv2d({ inputShape: [12, 12, 2], filters: 6, kernelSize: 3, activation: 'relu', name: 'c1' }));
  model.add(tfl.layers.batchNormalization({ name: 'bn1' }));
  model.add(tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool' }));
  model.add(tfl.layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu', name: 'c2' }));
  model.add(tfl.layers.flatten({ name: 'flat' }));
  model.add(tfl.layers.dense({ units: 12, activation: 'relu', name: 'd1' }));
  model.add(tfl.layers.dropout({ rate: 0.3, name: 'drop' }));
  model.add(tfl.layers.dense({ units: 4, activation: 'softmax', name: 'out' }));
  return model;
}

describe('traceFilterChain', () => {
  it('follows channels through BN, pooling, Flatten and Dropout; refuses the output layer', () => {
    const model = smallConvNet();
    const chain = (name: string) => traceFilterChain(model, model.getLayer(name));
    const c1 = chain('c1');
    expect(typeof c1 === 'string' ? c1 : [c1.path.map((l) => l.name), c1.next.name]).toEqual([['bn1', 'pool'], 'c2']);
    const c2 = chain('c2');
    expect(typeof c2 === 'string' ? c2 : [c2.next.name, c2.flattenPositions]).toEqual(['d1', 9]);
    expect(chain('out')).toMatch(/out feeds a model output/);
    model.dispose();
  });
});

describe('removePrunedFilters', () => {
  it('conv → BN → pool → conv → flatten → dense: smaller model gives the masked model\'s outputs (max abs diff < 1e-5)', async () => {
    const model = smallConvNet();
    randomize(model, 11);
    const pruned = await prune(model, { schedule: constant(0.5), granularity: 'filters' });
    expect(pruningState(pruned).targets.map((t) => t.layerName)).toEqual(['c1', 'c2', 'd1']);
    pruningState(pruned).updateMasks(0.5);
    const { model: masked } = await stripPruning(pruned);
    const { model: smaller, removed } = removePrunedFilters(masked);
    expect(removed.map((r) => [r.layer, r.before, r.after, r.next])).toEqual([
      ['c1', 6, 3, 'c2'],
      ['c2', 8, 4, 'd1'],
      ['d1', 12, 6, 'out'],
    ]);
    expect(smaller.getLayer('bn1').getWeights().map((w) => w.shape[0])).toEqual([3, 3, 3, 3]);
    expect(smaller.getLayer('d1').getWeights()[0]!.shape).toEqual([3 * 3 * 4, 6]);
    const x = tf.randomUniform([5, 12, 12, 2], 0, 1, 'float32', 3);
    expect(maxAbsDiff(masked, smaller, x)).toBeLessThan(1e-5);
    expect(maxAbsDiff(pruned, smaller, x)).toBeLessThan(1e-5);
    expect(smaller.countParams()).toBeLessThan(model.countParams() / 2);
    tf.dispose(x);
    pruned.dispose();
    [model, masked, smaller].forEach((m) => m.dispose());
  });

  it('a zeroed filter whose bias survives outputs a constant that is folded into the next layer\'s bias', () => {
    const model = smallConvNet();
    randomize(model, 12);
    // Zero the kernels of c2's filters 1 and 5 only: relu(bias) and everything downstream is a constant.
    const c2 = model.getLayer('c2');
    const [kernel, bias] = c2.getWeights();
    const k = kernel!.dataSync().slice();
    for (let i = 0; i < k.length; i++) if (i % 8 === 1 || i % 8 === 5) k[i] = 0;
    c2.setWeights([tf.tensor(k, kernel!.shape), tf.abs(bias!).add(0.1)]);
    const { model: smaller, removed } = removePrunedFilters(model);
    expect(removed).toEqual([{ layer: 'c2', className: 'Conv2D', before: 8, after: 6, next: 'd1' }]);
    const x = tf.randomUniform([4, 12, 12, 2], 0, 1, 'float32', 4);
    expect(maxAbsDiff(model, smaller, x)).toBeLessThan(1e-5);
    tf.dispose(x);
    [model, smaller].forEach((m) => m.dispose());
  });

  it('refuses to fold a nonzero constant into a same-padded conv (zero padding would change it)', () => {
    const model = tfl.sequential();
    model.add(tfl.layers.conv2d({ inputShape: [6, 6, 1], filters: 2, kernelSize: 3, padding: 'same', name: 'a' }));
    model.add(tfl.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', name: 'b' }));
    model.add(tfl.layers.flatten());
    model.add(tfl.layers.dense({ units: 2 }));
    model.getLayer('a').setWeights([tf.zeros([3, 3, 1, 2]), tf.tensor1d([0.5, 0.5])]); // both filters dead, constant 0.5
    expect(() => removePrunedFilters(model)).toThrow(RuntimeError);
    expect(() => removePrunedFilters(model)).toThrow(/a .*into b, which pads 'same'/);
    expect(() => removePrunedFilters(model, { layers: ['dense_nope'] })).toThrow(UsageError);
    model.dispose();
  });

  it('LeNet-5 with half of its filters and fc1 units pruned: fewer params and MACs, same outputs', async () => {
    const model = lenet5(21);
    const pruned = await prune(model, { schedule: constant(0.5), granularity: 'filters:l2' });
    expect(pruningState(pruned).targets.map((t) => t.layerName)).toEqual(['conv1', 'conv2', 'fc1']);
    expect(pruningState(pruned).skipped.map((s) => s.layerName)).toEqual(['fc2']);
    pruningState(pruned).updateMasks(0.5);
    const { model: masked } = await stripPruning(pruned);
    const { model: smaller, removed } = removePrunedFilters(masked);
    expect(removed.map((r) => r.after)).toEqual([10, 25, 250]);
    const x = tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 5);
    expect(maxAbsDiff(masked, smaller, x)).toBeLessThan(1e-5);
    const before = summarize(model, { measureSparsity: false });
    const after = summarize(smaller, { measureSparsity: false });
    expect(after.params).toBe(10 * 26 + 25 * (10 * 25 + 1) + 250 * (4 * 4 * 25 + 1) + 10 * 251);
    // conv1: 24·24·25·10, conv2: 8·8·250·25, fc1: 400·250, fc2: 250·10
    expect(after.macs).toBe(24 * 24 * 25 * 10 + 8 * 8 * 250 * 25 + 400 * 250 + 250 * 10);
    expect(after.macs).toBeLessThan(before.macs / 3);
    tf.dispose(x);
    pruned.dispose();
    [model, masked, smaller].forEach((m) => m.dispose());
  });
});
