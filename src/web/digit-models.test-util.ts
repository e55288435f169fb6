/**
 * The web tests' digit models: a small CNN in LeNet's shape (conv 5×5×8 → pool → softmax, 11.7k
 * parameters) trained here in about two seconds (wasm, 2,000 digits, 1 epoch), saved as a TF.js
 * directory, and its page-style compression as a .snn file. Also what the page should measure with
 * them: the MNIST test digits the dense model (TF.js) and the .snn (smallnets runtime) both classify
 * correctly with a clear margin (so a test that draws one knows the answer without depending on
 * borderline cases), and the test accuracy of the dense model, of the .snn, and of the .snn the
 * page's "compress here" button makes from the dense model — computed on the digits exactly as the
 * page decodes them from mnist-test.bin.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../engine/backend.js';
import { loadMnist } from '../data/mnist.js';
import { head } from '../data/split.js';
import { saveModel } from '../models/io.js';
import { loadRuntimeModel } from '../runtime/index.js';
import { trainModel } from '../training/train.js';
import { decodeDigits, encodeDigits } from './app/digit-file.js';
import { ACCURACY_BATCH } from './app/draw/digit-classifier.js';
import { compressInPage, DEFAULT_PAGE_COMPRESSION } from './app/models/compress-in-page.js';

export interface DigitModels {
  tfjsDir: string;
  snnFile: string;
  dense: tfl.LayersModel;
  /** Test-set indexes the dense model and the .snn both classify correctly with probability ≥ 0.8. */
  confident: number[];
  /** Accuracy on the 2,000 test digits: dense on TF.js, the served .snn and the page-made .snn on the runtime. */
  accuracy: { dense: number; snn: number; pageMade: number };
  /** Size of the .snn the page's "compress here" makes from the dense model (the same bytes, made here). */
  pageMadeBytes: number;
}

function accuracyOf(probabilities: Float32Array, labels: Uint8Array): number {
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    const row = probabilities.subarray(i * 10, i * 10 + 10);
    if (row.indexOf(Math.max(...row)) === labels[i]) correct++;
  }
  return correct / labels.length;
}

/**
 * Scores from the runtime in batches of 250, as the page's "Measure test accuracy" runs them: the same
 * wasm on the same rows in the same tiles gives the same bits in Node and in Chromium.
 */
async function onRuntime(bytes: Uint8Array, images: Float32Array, count: number): Promise<Float32Array> {
  const net = await loadRuntimeModel(bytes);
  try {
    const scores = new Float32Array(count * 10);
    for (let start = 0; start < count; start += ACCURACY_BATCH) {
      const n = Math.min(ACCURACY_BATCH, count - start);
      scores.set(net.predict(images.subarray(start * 784, (start + n) * 784), n), start * 10);
    }
    return scores;
  } finally {
    net.dispose();
  }
}

export async function trainDigitModels(dir: string): Promise<DigitModels> {
  await initBackend('wasm');
  const { train, test } = loadMnist();
  const dense = tfl.sequential({ name: 'tiny_lenet' });
  dense.add(tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 5, activation: 'relu', name: 'conv1', kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }));
  dense.add(tfl.layers.maxPooling2d({ poolSize: 2, strides: 2, name: 'pool1' }));
  dense.add(tfl.layers.flatten({ name: 'flatten' }));
  dense.add(tfl.layers.dense({ units: 10, activation: 'softmax', name: 'fc1', kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }));
  trainModel(dense, head(train, 2000), { epochs: 1, learningRate: 5e-3, batchSize: 32, seed: 3 });
  const tfjsDir = path.join(dir, 'tiny-lenet');
  await saveModel(dense, tfjsDir);
  const { bytes } = await compressInPage(dense, { sparsity: 0.5, clusters: 16 });
  const snnFile = path.join(dir, 'tiny-lenet.snn');
  await writeFile(snnFile, bytes);

  const digits = decodeDigits(encodeDigits(test)); // what the page reads from mnist-test.bin
  const denseScores = tf.tidy(() => (dense.predict(tf.tensor4d(digits.images, [digits.count, 28, 28, 1])) as tf.Tensor).dataSync() as Float32Array);
  const snnScores = await onRuntime(bytes, digits.images, digits.count);
  const pageMade = (await compressInPage(dense, DEFAULT_PAGE_COMPRESSION)).bytes;
  const pageMadeScores = await onRuntime(pageMade, digits.images, digits.count);

  // Drawing tests paint loadMnist()'s own pixels (the first 200 test digits).
  const sample = head(test, 200);
  const denseSample = tf.tidy(() => (dense.predict(tf.tensor4d(sample.images, [sample.count, 28, 28, 1])) as tf.Tensor).dataSync() as Float32Array);
  const snnSample = await onRuntime(bytes, sample.images, sample.count);
  const sure = (scores: Float32Array, i: number) => scores[i * 10 + sample.labels[i]!]! >= 0.8;
  const confident = [...Array(sample.count).keys()].filter((i) => sure(denseSample, i) && sure(snnSample, i));
  return {
    tfjsDir,
    snnFile,
    dense,
    confident,
    accuracy: { dense: accuracyOf(denseScores, digits.labels), snn: accuracyOf(snnScores, digits.labels), pageMade: accuracyOf(pageMadeScores, digits.labels) },
    pageMadeBytes: pageMade.length,
  };
}
