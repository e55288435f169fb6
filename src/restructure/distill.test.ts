import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../engine/backend.js';
import { loadMnist } from '../data/mnist.js';
import { head } from '../data/split.js';
import { trainModel } from '../training/train.js';
import { evaluateAccuracy, predictClasses } from '../training/evaluate.js';
import { distill, distillationLoss, outputsProbabilities } from './distill.js';
import { widthMultiplier } from './width.js';

beforeAll(async () => {
  await initBackend('cpu');
});

/** A 4 → 3 classifier with fixed weights, as softmax probabilities or as logits. */
function tinyClassifier(activation: 'softmax' | 'linear', scale: number): tfl.LayersModel {
  const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [4], units: 3, activation, name: 'fc' })] });
  const kernel = tf.tensor2d(Array.from({ length: 12 }, (_, i) => Math.sin(i + scale) * scale), [4, 3]);
  model.getLayer('fc').setWeights([kernel, tf.tensor1d([0.1, -0.2, 0.3])]);
  return model;
}

function softmax(z: number[], t: number): number[] {
  const m = Math.max(...z.map((v) => v / t));
  const e = z.map((v) => Math.exp(v / t - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

describe('distillation loss', () => {
  let xs: tf.Tensor2D;
  let ys: tf.Tensor2D;
  beforeAll(() => {
    xs = tf.tensor2d([[0.5, -1, 2, 0.3], [1, 1, -0.5, 0]]);
    ys = tf.tensor2d([[0, 1, 0], [1, 0, 0]]);
  });

  it('log-probabilities soften exactly like logits: softmax(log p / T) = softmax(z / T)', () => {
    const probs = tinyClassifier('softmax', 1.3);
    const logits = tinyClassifier('linear', 1.3);
    const viaLog = tf.softmax(tf.div(tf.log(probs.predict(xs) as tf.Tensor), 4)).dataSync();
    const viaLogits = tf.softmax(tf.div(logits.predict(xs) as tf.Tensor, 4)).dataSync();
    viaLog.forEach((v, i) => expect(v).toBeCloseTo(viaLogits[i]!, 6));
    expect(outputsProbabilities(probs)).toBe(true);
    expect(outputsProbabilities(logits)).toBe(false);
  });

  it('equals α·T²·KL(teacher ‖ student) + (1 − α)·CE computed by hand', () => {
    const [t, alpha] = [3, 0.6];
    const student = tinyClassifier('softmax', 0.7);
    const teacher = tinyClassifier('linear', 1.9); // a logits teacher: no log needed
    const loss = distillationLoss(teacher, t, alpha)(student, xs, ys).loss.dataSync()[0]!;
    const zs = (tinyClassifier('linear', 0.7).predict(xs) as tf.Tensor).arraySync() as number[][];
    const zt = (teacher.predict(xs) as tf.Tensor).arraySync() as number[][];
    const labels = ys.arraySync() as number[][];
    let expected = 0;
    for (let n = 0; n < 2; n++) {
      const pt = softmax(zt[n]!, t);
      const ps = softmax(zs[n]!, t);
      const kl = pt.reduce((s, p, i) => s + p * Math.log(p / ps[i]!), 0);
      const ce = -labels[n]!.reduce((s, y, i) => s + y * Math.log(softmax(zs[n]!, 1)[i]!), 0);
      expected += (alpha * t * t * kl + (1 - alpha) * ce) / 2;
    }
    expect(loss).toBeCloseTo(expected, 5);
  });

  it('a student identical to its teacher pays only the label term', () => {
    const model = tinyClassifier('softmax', 1.1);
    const loss = distillationLoss(model, 5, 0.8)(model, xs, ys).loss.dataSync()[0]!;
    const p = (model.predict(xs) as tf.Tensor).arraySync() as number[][];
    const ce = -(Math.log(p[0]![1]!) + Math.log(p[1]![0]!)) / 2;
    expect(loss).toBeCloseTo(0.2 * ce, 5);
  });

  it('bad temperature, alpha and mismatched models are usage errors', () => {
    const model = tinyClassifier('softmax', 1);
    expect(() => distillationLoss(model, 0, 0.5)).toThrow(/temperature must be a positive number, got 0/);
    expect(() => distillationLoss(model, 2, 1.5)).toThrow(/alpha must be in \[0, 1\], got 1\.5/);
    const other = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [4], units: 5, activation: 'softmax' })] });
    const split = { images: new Float32Array(4), labels: new Uint8Array(1), count: 1 };
    expect(() => distill(other, model, split, { epochs: 1 })).toThrow(/student output \[\[null,5\]\] differs from teacher output \[\[null,3\]\]/);
  });
});

/** 784 → 64 → 10: a teacher that trains in a second. */
function smallMlp(): tfl.LayersModel {
  const init = (seed: number) => tfl.initializers.glorotUniform({ seed });
  return tfl.sequential({
    name: 'mlp',
    layers: [
      tfl.layers.flatten({ inputShape: [28, 28, 1], name: 'flatten' }),
      tfl.layers.dense({ units: 64, activation: 'relu', name: 'fc1', kernelInitializer: init(1) }),
      tfl.layers.dense({ units: 10, activation: 'softmax', name: 'fc2', kernelInitializer: init(2) }),
    ],
  });
}

describe('distill', () => {
  // Training speed: the wasm backend (the default everywhere else) is several times faster than cpu.
  beforeAll(() => initBackend('wasm'));
  afterAll(() => initBackend('cpu'));

  it('teaches a fresh thin student the teacher from soft targets alone (α = 1, no labels)', () => {
    const { train, test } = loadMnist();
    const data = head(train, 1024);
    const probe = head(test, 500);
    const teacher = smallMlp();
    trainModel(teacher, data, { epochs: 3, progress: false, seed: 1 });
    const student = widthMultiplier(teacher, 0.25, { init: 'fresh' });
    const before = evaluateAccuracy(student, probe);
    const result = distill(student, teacher, data, { epochs: 4, learningRate: 3e-3, temperature: 4, alpha: 1, progress: false, seed: 2 });
    const after = evaluateAccuracy(student, probe);
    expect(result.steps).toBe(4 * 16);
    expect(before).toBeLessThan(0.3);
    expect(after).toBeGreaterThan(before + 0.5);
    // It learned the teacher's function: most of its answers agree with the teacher's.
    const a = predictClasses(student, probe);
    const b = predictClasses(teacher, probe);
    expect(a.filter((c, i) => c === b[i]).length / probe.count).toBeGreaterThan(0.8);
  });
});
