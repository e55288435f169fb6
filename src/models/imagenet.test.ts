import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { initBackend } from '../engine/backend.js';
import { decodePredictions, imagenetClasses, preprocessInput, preprocessMode, preprocessPixels, topK } from './imagenet.js';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('preprocessPixels', () => {
  it("mobilenet ('tf' mode) maps 0, 127.5, 255 to -1, 0, 1", () => {
    expect(Array.from(preprocessPixels([0, 127.5, 255], 'mobilenet'))).toEqual([-1, 0, 1]);
    expect(Array.from(preprocessPixels([51, 204, 255], 'mobilenet_v2'))).toEqual([
      Math.fround(51 / 127.5 - 1), Math.fround(204 / 127.5 - 1), 1,
    ]);
  });

  it("squeezenet ('caffe' mode) swaps RGB to BGR and subtracts the BGR means", () => {
    const out = preprocessPixels([10, 20, 30, 255, 0, 128], 'squeezenet');
    const expected = [30 - 103.939, 20 - 116.779, 10 - 123.68, 128 - 103.939, 0 - 116.779, 255 - 123.68];
    expected.forEach((v, i) => expect(out[i]).toBeCloseTo(v, 4));
  });

  it("'torch' scales to [0, 1] and normalizes per RGB channel", () => {
    const out = preprocessPixels([255, 0, 127.5], 'torch');
    expect(out[0]).toBeCloseTo((1 - 0.485) / 0.229, 5);
    expect(out[1]).toBeCloseTo((0 - 0.456) / 0.224, 5);
    expect(out[2]).toBeCloseTo((0.5 - 0.406) / 0.225, 5);
  });

  it("lenet ('unit' mode) scales gray pixels to [0, 1]", () => {
    expect(Array.from(preprocessPixels([0, 255, 51], 'lenet', 1))).toEqual([0, 1, Math.fround(0.2)]);
  });

  it('caffe on a 1-channel image and an unknown family are UsageErrors', () => {
    expect(() => preprocessPixels([1, 2], 'squeezenet', 1)).toThrow("'caffe' preprocessing needs 3 (RGB) channels, got 1");
    expect(() => preprocessMode('resnet' as 'tf')).toThrow(UsageError);
    expect(() => preprocessMode('resnet' as 'tf')).toThrow('got resnet');
  });
});

describe('preprocessInput', () => {
  it('matches preprocessPixels on a 4-D batch for every family', () => {
    const pixels = Array.from({ length: 2 * 2 * 2 * 3 }, (_, i) => (i * 37) % 256);
    for (const family of ['mobilenet', 'mobilenet_v2', 'squeezenet', 'lenet', 'torch'] as const) {
      const x = tf.tensor4d(pixels, [2, 2, 2, 3]);
      const y = preprocessInput(x, family);
      expect(y.shape).toEqual([2, 2, 2, 3]);
      const expected = preprocessPixels(pixels, family);
      const got = y.dataSync();
      expected.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 4));
      tf.dispose([x, y]);
    }
  });

  it('accepts an int32 rank-3 image and rejects rank 2', () => {
    const x = tf.tensor3d([255, 0, 0], [1, 1, 3], 'int32');
    const y = preprocessInput(x, 'mobilenet');
    expect(y.dtype).toBe('float32');
    expect(Array.from(y.dataSync())).toEqual([1, -1, -1]);
    expect(() => preprocessInput(tf.zeros([2, 3]), 'mobilenet')).toThrow('rank-3 or rank-4 image tensor, got rank 2');
    tf.dispose([x, y]);
  });
});

describe('imagenetClasses', () => {
  it('has the 1000 ImageNet names in class-id order', () => {
    const names = imagenetClasses();
    expect(names).toHaveLength(1000);
    expect(names[0]).toBe('tench, Tinca tinca');
    expect(names[1]).toBe('goldfish, Carassius auratus');
    expect(names[281]).toBe('tabby, tabby cat');
    expect(names[999]).toBe('toilet tissue, toilet paper, bathroom tissue');
  });
});

describe('decodePredictions', () => {
  it('returns the top classes per image, best first, with ImageNet labels', () => {
    const probs = new Float32Array(2000);
    probs[281] = 0.6; probs[282] = 0.3; probs[0] = 0.1; // image 0: tabby, tiger cat, tench
    probs[1000 + 999] = 0.9; probs[1000 + 1] = 0.05;     // image 1
    const preds = tf.tensor2d(probs, [2, 1000]);
    const decoded = decodePredictions(preds, 3);
    expect(decoded).toHaveLength(2);
    expect(decoded[0]!.map((p) => p.index)).toEqual([281, 282, 0]);
    expect(decoded[0]![0]).toEqual({ index: 281, label: 'tabby, tabby cat', probability: Math.fround(0.6) });
    expect(decoded[0]![1]!.label).toBe('tiger cat');
    expect(decoded[1]!.map((p) => p.index)).toEqual([999, 1, 0]); // ties at 0: lowest index first
    expect(decodePredictions(probs, 1)[1]).toEqual([{ index: 999, label: 'toilet tissue, toilet paper, bathroom tissue', probability: Math.fround(0.9) }]);
    preds.dispose();
  });

  it('uses given labels, or indexes when labels are null', () => {
    const preds = tf.tensor2d([[0.2, 0.5, 0.3]]);
    expect(decodePredictions(preds, 2, ['a', 'b', 'c'])[0]!.map((p) => p.label)).toEqual(['b', 'c']);
    expect(decodePredictions(preds, 5, null)[0]!.map((p) => p.label)).toEqual(['1', '2', '0']); // top clamps to 3
    preds.dispose();
  });

  it('rejects a rank-1 tensor, mismatched labels and top 0', () => {
    const preds = tf.tensor2d([[0.2, 0.8]]);
    expect(() => decodePredictions(tf.tensor1d([1, 2]), 1, null)).toThrow('expects a [batch, classes] tensor, got shape [2]');
    expect(() => decodePredictions(preds)).toThrow('1000 labels do not match 2 output classes');
    expect(() => topK([0.2, 0.8], 2, 0, null)).toThrow('top must be a positive integer, got 0');
    expect(() => topK([0.2, 0.8, 0.1], 2, 1, null)).toThrow(UsageError);
    preds.dispose();
  });
});
