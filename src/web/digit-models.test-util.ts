/**
 * The web tests' digit models: a small CNN in LeNet's shape (conv 5×5×8 → pool → softmax, 11.7k
 * parameters) trained here in a few seconds (wasm, 3,000 digits, 2 epochs), saved as a TF.js
 * directory, and its page-style compression as a .snn file, plus the MNIST test digits both
 * classify correctly with a clear margin (so a test that draws one knows the answer without
 * depending on borderline cases).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../engine/backend.js';
import { loadMnist } from '../data/mnist.js';
import { head } from '../data/split.js';
import { decodeSnn } from '../format/index.js';
import * as tfl from '@tensorflow/tfjs-layers';
import { saveModel } from '../models/io.js';
import { snnToLayersModel } from '../models/snn-layers.js';
import { trainModel } from '../training/train.js';
import { compressInPage } from './app/models/compress-in-page.js';

export interface DigitModels {
  tfjsDir: string;
  snnFile: string;
  dense: tfl.LayersModel;
  compressed: tfl.LayersModel;
  /** Test-set indexes both models classify correctly with probability ≥ 0.8. */
  confident: number[];
}

export async function trainDigitModels(dir: string): Promise<DigitModels> {
  await initBackend('wasm');
  const { train, test } = loadMnist();
  const dense = tfl.sequential({ name: 'tiny_lenet' });
  dense.add(tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 5, activation: 'relu', name: 'conv1', kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }));
  dense.add(tfl.layers.maxPooling2d({ poolSize: 2, strides: 2, name: 'pool1' }));
  dense.add(tfl.layers.flatten({ name: 'flatten' }));
  dense.add(tfl.layers.dense({ units: 10, activation: 'softmax', name: 'fc1', kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }));
  trainModel(dense, head(train, 3000), { epochs: 2, learningRate: 3e-3, batchSize: 32, seed: 3 });
  const tfjsDir = path.join(dir, 'tiny-lenet');
  await saveModel(dense, tfjsDir);
  const { bytes } = await compressInPage(dense, { sparsity: 0.5, clusters: 16 });
  const snnFile = path.join(dir, 'tiny-lenet.snn');
  await writeFile(snnFile, bytes);
  const compressed = await snnToLayersModel(decodeSnn(bytes));
  const sample = head(test, 200);
  const probabilities = (m: tfl.LayersModel) => tf.tidy(() => (m.predict(tf.tensor4d(sample.images, [sample.count, 28, 28, 1])) as tf.Tensor).arraySync() as number[][]);
  const [pd, pc] = [probabilities(dense), probabilities(compressed)];
  const confident = [...Array(sample.count).keys()].filter((i) => pd[i]![sample.labels[i]!]! >= 0.8 && pc[i]![sample.labels[i]!]! >= 0.8);
  return { tfjsDir, snnFile, dense, compressed, confident };
}
