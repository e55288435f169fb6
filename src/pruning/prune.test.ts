import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../engine/backend.js';
import { UsageError } from '../errors.js';
import { loadMnist } from '../data/mnist.js';
import { head, type Split } from '../data/split.js';
import { lenet300, lenet5 } from '../models/lenet.js';
import { loadModel, saveModel } from '../models/io.js';
import { trainModel } from '../training/train.js';
import { predictClasses } from '../training/evaluate.js';
import { PruningConfig, pruningConfigFromJson } from './config.js';
import { countNonzero } from '../analysis/nonzero.js';
import { prune, pruningState, stripPruning } from './prune.js';
import { fromJson } from '../graph/serializable.js';
import { sparsityReport } from './report.js';
import { constant, polynomialDecay } from './schedule.js';

let train: Split;
let dir: string;

beforeAll(async () => {
  await initBackend('cpu');
  train = head(loadMnist().train, 256);
  dir = await mkdtemp(path.join(tmpdir(), 'smallnets-prune-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function weightsOf(model: tfl.LayersModel): Float32Array[] {
  return model.getWeights().map((w) => Float32Array.from(w.dataSync() as Float32Array));
}

/** The most nonzeros in any group of `m` consecutive input channels of a kernel [..., in, out]. */
function maxNonzeroPerGroup(kernel: tf.Tensor, m: number): number {
  const shape = kernel.shape;
  const values = kernel.dataSync();
  const inAxis = shape[shape.length - 2]!;
  const out = shape[shape.length - 1]!;
  const outer = values.length / (inAxis * out);
  let most = 0;
  for (let s = 0; s < outer; s++) for (let o = 0; o < out; o++) for (let g = 0; g < inAxis; g += m) {
    let nonzero = 0;
    for (let i = g; i < g + m; i++) if (values[(s * inAxis + i) * out + o] !== 0) nonzero++;
    most = Math.max(most, nonzero);
  }
  return most;
}

describe('prune', () => {
  it('masks stay zero after every optimizer step while sparsity rises (lenet300, polynomial); trainModel runs the hooks the pruned model carries', async () => {
    const model = lenet300(3);
    const pruned = await prune(model, { schedule: polynomialDecay(0, 0.8, 0, 6, 3, 2) });
    const state = pruningState(pruned);
    let checked = 0;
    trainModel(pruned, train, {
      epochs: 2, batchSize: 32, progress: false,
      afterStep: (step) => {
        let leaks = 0;
        let masked = 0;
        for (const t of state.targets) {
          const values = t.variable.read().dataSync();
          for (let i = 0; i < values.length; i++) {
            if (t.mask[i]) continue;
            masked++;
            if (!Object.is(values[i], 0)) leaks++; // exactly +0, not -0 or a small value
          }
        }
        expect(leaks).toBe(0);
        if (step >= 3) expect(masked).toBeGreaterThan(0); // first nonzero sparsity at pruning step 2
        checked++;
      },
    });
    expect(checked).toBe(16);
    expect(state.pruningStep).toBe(16);
    const layers = state.layerSparsity();
    expect(layers.map((l) => l.name)).toEqual(['fc1', 'fc2', 'fc3']);
    for (const l of layers) expect(l.sparsity).toBeCloseTo(0.8, 2);
    pruned.dispose();
    model.dispose();
  });

  it('never modifies the input model, and never prunes biases', async () => {
    const model = lenet300(4);
    const before = weightsOf(model);
    const pruned = await prune(model, { schedule: constant(0.9, 0, -1, 1) });
    pruningState(pruned).updateMasks(0.9);
    expect(weightsOf(model)).toEqual(before);
    const biases = pruned.layers.flatMap((l) => l.weights.filter((w) => w.originalName.endsWith('bias')));
    expect(biases.length).toBe(3);
    expect(pruningState(pruned).targets.every((t) => t.weightName === 'kernel')).toBe(true);
    expect(() => pruningState(model)).toThrow(/is not being pruned/);
    pruned.dispose();
    model.dispose();
  });

  it('global threshold prunes the layer with smaller weights harder; per-layer gives each the same sparsity', async () => {
    const model = lenet300(5);
    const perLayer = await prune(model, { schedule: constant(0.9) });
    pruningState(perLayer).updateMasks(0.9);
    expect(pruningState(perLayer).layerSparsity().map((l) => +l.sparsity.toFixed(3))).toEqual([0.9, 0.9, 0.9]);
    const global = await prune(model, { schedule: constant(0.9), global: true });
    pruningState(global).updateMasks(0.9);
    const g = pruningState(global).layerSparsity();
    const total = g.reduce((s, l) => s + l.nonzero, 0) / g.reduce((s, l) => s + l.params, 0);
    expect(total).toBeCloseTo(0.1, 4);
    // Glorot init: fc1 (784 → 300) has the smallest weights, fc3 (100 → 10) the largest.
    expect(g[0]!.sparsity).toBeGreaterThan(g[1]!.sparsity);
    expect(g[1]!.sparsity).toBeGreaterThan(g[2]!.sparsity);
    perLayer.dispose();
    global.dispose();
    model.dispose();
  });

  it('2:4 on LeNet-5: conv1 (1 input channel) is left dense, every other kernel has ≤ 2 nonzeros per 4 input channels', async () => {
    const model = lenet5(6);
    const pruned = await prune(model, { schedule: constant(0.5, 0, -1, 1), granularity: '2:4' });
    expect(pruningState(pruned).skipped.map((s) => s.layerName)).toEqual(['conv1']);
    expect(pruningState(pruned).beforeStep()).toBe(true);
    const { model: stripped, report } = await stripPruning(pruned);
    for (const name of ['conv2', 'fc1', 'fc2']) expect(maxNonzeroPerGroup(stripped.getLayer(name).getWeights()[0]!, 4)).toBe(2);
    expect(report.layers.find((l) => l.name === 'conv1')!.sparsity).toBe(0);
    expect(report).toEqual(sparsityReport(stripped));
    pruned.dispose();
    model.dispose();
    stripped.dispose();
  });

  it('2:4 holds after training steps on a small conv net (masks re-applied after each step)', async () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 5, strides: 3, activation: 'relu', name: 'c1' }),
        tfl.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, activation: 'relu', name: 'c2' }),
        tfl.layers.flatten({ name: 'f' }),
        tfl.layers.dense({ units: 10, activation: 'softmax', name: 'out' }),
      ],
    });
    const pruned = await prune(model, { schedule: constant(0.5, 0, -1, 3), granularity: '2:4' });
    expect(pruningState(pruned).targets.map((t) => t.layerName)).toEqual(['c2', 'out']);
    trainModel(pruned, head(train, 128), { epochs: 1, batchSize: 16, progress: false });
    expect(pruningState(pruned).pruningStep).toBe(8);
    for (const name of ['c2', 'out']) expect(maxNonzeroPerGroup(pruned.getLayer(name).getWeights()[0]!, 4)).toBeLessThanOrEqual(2);
    pruned.dispose();
    model.dispose();
  });

  it('block 1x4 zeroes whole blocks of 4 output units', async () => {
    const model = lenet300(7);
    const pruned = await prune(model, { schedule: constant(0.75), granularity: 'block:1x4', layers: ['fc2'] });
    pruningState(pruned).updateMasks(0.75);
    const values = pruned.getLayer('fc2').getWeights()[0]!.dataSync();
    for (let r = 0; r < 300; r++) for (let c = 0; c < 100; c += 4) {
      const zeros = [0, 1, 2, 3].filter((k) => values[r * 100 + c + k] === 0).length;
      expect([0, 4]).toContain(zeros);
    }
    expect(1 - countNonzero(values) / values.length).toBeCloseTo(0.75, 2);
    pruned.dispose();
    model.dispose();
  });
});

describe('stripPruning', () => {
  it('strip → save → load gives identical predictions and only stock layers', async () => {
    const model = lenet300(8);
    const pruned = await prune(model, { schedule: constant(0.85, 0, -1, 4) });
    trainModel(pruned, head(train, 128), { epochs: 1, batchSize: 32, progress: false });
    const { model: stripped, report } = await stripPruning(pruned);
    expect(report.sparsity).toBeCloseTo(0.85, 3);
    await saveModel(stripped, path.join(dir, 'stripped'));
    const loaded = await loadModel(path.join(dir, 'stripped'));
    const probe = head(loadMnist().test, 200);
    expect(predictClasses(loaded, probe)).toEqual(predictClasses(stripped, probe));
    const x = tf.tensor(probe.images.subarray(0, 10 * 784), [10, 28, 28, 1]);
    const diff = tf.max(tf.abs(tf.sub(loaded.predict(x) as tf.Tensor, pruned.predict(x) as tf.Tensor))).dataSync()[0]!;
    expect(diff).toBe(0);
    expect(JSON.stringify(stripped.toJSON(null, false))).not.toMatch(/Prun|mask/i);
    expect(stripped.layers.map((l) => l.getClassName())).toEqual(['Flatten', 'Dense', 'Dense', 'Dense']);
    tf.dispose(x);
    pruned.dispose();
    [model, stripped, loaded].forEach((m) => m.dispose());
  });
});

describe('memory', () => {
  it('training a pruned model allocates no tensor per step (masks applied in place)', async () => {
    const pruned = await prune(lenet300(6), { schedule: polynomialDecay(0, 0.8, 0, 8, 3, 2), granularity: 'filters' });
    const small = head(train, 32);
    trainModel(pruned, small, { epochs: 1, batchSize: 16, progress: false });
    const before = tf.memory().numTensors;
    trainModel(pruned, small, { epochs: 2, batchSize: 16, progress: false });
    expect(tf.memory().numTensors).toBe(before);
    pruned.dispose();
  });
});

describe('per-layer sparsity', () => {
  it('sparsityByLayer: each layer reaches its own target, unnamed layers stay dense, the config round-trips', async () => {
    const targets = { fc1: 0.95, fc2: 0.6 };
    const config = new PruningConfig({ schedule: polynomialDecay(0, 0.95, 0, 4, 3, 2), sparsityByLayer: targets });
    expect(pruningConfigFromJson(JSON.parse(JSON.stringify(config.toJSON()))).getConfig()).toEqual(config.getConfig());
    expect(config.layers).toEqual(['fc1', 'fc2']);
    const pruned = await prune(lenet300(5), config);
    trainModel(pruned, train, { epochs: 1, batchSize: 32, progress: false });
    const { model: stripped } = await stripPruning(pruned);
    const sparsity = (name: string) => {
      const kernel = stripped.getLayer(name).getWeights()[0]!.dataSync();
      return 1 - countNonzero(kernel) / kernel.length;
    };
    expect(sparsity('fc1')).toBeCloseTo(0.95, 2);
    expect(sparsity('fc2')).toBeCloseTo(0.6, 2);
    expect(sparsity('fc3')).toBe(0);
    expect(() => new PruningConfig({ schedule: constant(0.5), sparsityByLayer: { fc1: 1 } })).toThrow(/sparsity of layer fc1 must be in \[0, 1\), got 1/);
    expect(() => new PruningConfig({ schedule: constant(0.5), global: true, sparsityByLayer: { fc1: 0.5 } })).toThrow(/global threshold/);
  });
});

describe('config', () => {
  it('PruningConfig round-trips through JSON', () => {
    const config = new PruningConfig({ schedule: polynomialDecay(0.1, 0.9, 0, 500, 2, 25), granularity: 'block:1x4:l2', layers: ['fc1', 'fc2'] });
    const json = JSON.parse(JSON.stringify(config.toJSON()));
    const back = pruningConfigFromJson(json);
    expect(back.getConfig()).toEqual(config.getConfig());
    expect(back.granularity).toEqual({ kind: 'block', rows: 1, cols: 4, pooling: 'l2' });
    expect(json.className).toBe('SmallnetsPruningConfig');
    expect(fromJson(json, PruningConfig).getConfig()).toEqual(config.getConfig());
    expect(json.config.schedule).toEqual({ className: 'SmallnetsPolynomialDecay', config: { initialSparsity: 0.1, finalSparsity: 0.9, beginStep: 0, endStep: 500, power: 2, frequency: 25 } });
    for (const g of ['unstructured', '2:4', 'filters', 'filters:l2', 'block:2x2:max']) {
      const c = new PruningConfig({ schedule: constant(0.5), granularity: g, global: g === 'unstructured' });
      expect(pruningConfigFromJson(c.toJSON()).getConfig()).toEqual(c.getConfig());
    }
  });

  const bad: Array<[string, () => unknown, RegExp]> = [
    ['unknown granularity', () => new PruningConfig({ schedule: constant(0.5), granularity: 'rows' }), /unknown granularity "rows"/],
    ['N ≥ M', () => new PruningConfig({ schedule: constant(0.5), granularity: '4:4' }), /N in \[1, M\), got 4:4/],
    ['global with 2:4', () => new PruningConfig({ schedule: constant(0.5), granularity: '2:4', global: true }), /global thresholds apply to unstructured/],
    ['no schedule', () => new PruningConfig({} as never), /needs a schedule/],
    ['empty layer list', () => new PruningConfig({ schedule: constant(0.5), layers: [] }), /non-empty list/],
    ['block 1x1', () => new PruningConfig({ schedule: constant(0.5), granularity: 'block:1x1' }), /at least 2 weights/],
  ];
  it.each(bad)('bad config fails at construction: %s', (_name, build, message) => {
    expect(build).toThrow(UsageError);
    expect(build).toThrow(message);
  });

  it('model-dependent problems fail in prune() before training, naming the layer and class', async () => {
    const model = lenet5(9);
    await expect(prune(model, { schedule: constant(0.5), layers: ['pool1'] })).rejects.toThrow(/layer pool1 is a MaxPooling2D, which cannot be pruned/);
    await expect(prune(model, { schedule: constant(0.5), layers: ['nope'] })).rejects.toThrow(/no layer named "nope"/);
    await expect(prune(model, { schedule: constant(0.5), granularity: '2:4', layers: ['conv1'] })).rejects.toThrow(/M \(4\) to divide the input-channel axis \(1\)/);
    await expect(prune(model, { schedule: constant(0.5), granularity: 'filters', layers: ['fc2'] })).rejects.toThrow(/fc2 feeds a model output/);
    model.dispose();
  });
});
