import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../engine/backend.js';
import { decodeImage } from '../data/image.js';
import { pattern, rawPng } from '../data/image-fixtures.test-util.js';
import { lenet5 } from '../models/lenet.js';
import { saveModel } from '../models/io.js';
import { openLayersModel } from './open-model.js';
import { predictImages } from './predict.js';

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

/** Heap in use after full collections (a few, so what is dead is gone). */
async function settledHeap(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    collect();
    await new Promise((r) => setTimeout(r, 10));
  }
  return process.memoryUsage().heapUsed;
}

let dir: string;

describe('predict leaks nothing', () => {
  beforeAll(async () => {
    await initBackend('wasm');
    dir = await mkdtemp(path.join(os.tmpdir(), 'smallnets-leak-'));
    await saveModel(lenet5(3), path.join(dir, 'lenet5'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('1,000 predictions through predictImages (what `smallnets predict` calls): tensor count unchanged, heap flat', async () => {
    const opened = await openLayersModel(path.join(dir, 'lenet5'));
    // A colour image of another size: each call converts it to luminance, resizes it and runs the model.
    const images = [{ path: 'colour.png', image: decodeImage(rawPng(40, 30, 2, pattern(40, 30, 3))) }];
    const predict = () => predictImages(opened.layers, images, { top: 3, labels: null, preprocess: 'unit' });
    for (let i = 0; i < 50; i++) await predict(); // warm-up: kernels, caches
    const tensors = tf.memory().numTensors;
    const heap = await settledHeap();
    for (let i = 0; i < 1000; i++) await predict();
    expect(tf.memory().numTensors).toBe(tensors);
    expect((await settledHeap()) - heap).toBeLessThan(4 * 2 ** 20);
    opened.dispose();
  });

  it('opening, predicting with and disposing a model 50 times leaves no tensor behind', async () => {
    const before = tf.memory().numTensors;
    const image = [{ path: 'gray.png', image: decodeImage(rawPng(28, 28, 0, pattern(28, 28, 1))) }];
    for (let i = 0; i < 50; i++) {
      const opened = await openLayersModel(path.join(dir, 'lenet5'));
      await predictImages(opened.layers, image, { top: 1, labels: null, preprocess: 'unit' });
      opened.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
