import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../engine/backend.js';
import { loadMnist } from '../data/mnist.js';
import { head } from '../data/split.js';
import { tinyConvNet } from '../restructure/models.test-util.js';
import { predictImages, readLabels } from './predict.js';

let dir: string;
beforeAll(async () => {
  await initBackend('wasm');
  dir = await mkdtemp(path.join(os.tmpdir(), 'smallnets-predict-lib-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('predictImages', () => {
  const digit = Uint8Array.from(head(loadMnist().test, 1).images, (v) => Math.round(v * 255));
  const image = { path: 'digit', image: { format: 'png' as const, width: 28, height: 28, channels: 1 as const, data: digit } };

  it('a decoded gray digit: top-k of the model on the [0, 1] pixels, best first, named by the labels', async () => {
    const model = tinyConvNet(2);
    const labels = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
    const [result] = await predictImages(model, [image], { top: 3, labels });
    const expected = tf.tidy(() => (model.predict(tf.tensor4d(Float32Array.from(digit, (v) => v / 255), [1, 28, 28, 1])) as tf.Tensor).dataSync());
    const best = expected.indexOf(Math.max(...expected));
    expect(result!.image).toBe('digit');
    expect(result!.top).toHaveLength(3);
    expect(result!.top[0]).toEqual({ index: best, label: labels[best], probability: expect.closeTo(expected[best]!, 6) });
  });

  it('labels that do not match the classes are a usage error naming `labels`', async () => {
    await expect(predictImages(tinyConvNet(2), [image], { labels: ['a', 'b'] })).rejects.toThrow(/`labels` has 2 names but the model has 10 classes/);
  });
});

describe('readLabels', () => {
  it('reads a JSON array or one name per line, and checks the count', async () => {
    await writeFile(path.join(dir, 'l.json'), '["a","b"]');
    await writeFile(path.join(dir, 'l.txt'), 'a\r\nb\n');
    expect(await readLabels(path.join(dir, 'l.json'), 2)).toEqual(['a', 'b']);
    expect(await readLabels(path.join(dir, 'l.txt'), 2)).toEqual(['a', 'b']);
    await expect(readLabels(path.join(dir, 'l.txt'), 3)).rejects.toThrow(/has 2 names but the model has 3 classes/);
    await expect(readLabels(path.join(dir, 'none.txt'), 3)).rejects.toThrow(/cannot read labels file .*none\.txt: no such file/);
  });
});
