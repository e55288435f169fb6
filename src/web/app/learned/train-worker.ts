/**
 * Trains a LeNet-5 in a background worker so the page stays responsive: TF.js's wasm backend with
 * smallnets' gradient kernels (the stock cpu backend needs minutes per thousand digits), the same
 * builder and Adam learning rate as `smallnets train lenet5`, no augmentation. Posts progress after
 * every batch and, at the end, the trained weights as artifacts plus accuracy on the 2,000 test digits.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels } from '../../../engine/wasm-kernels.js';
import { LENET_RECIPES, lenet5 } from '../../../models/lenet.js';
import { modelArtifacts } from '../../../models/model-artifacts.js';
import { decodeDigits, type Digits } from '../digit-file.js';
import type { MemoryArtifacts } from '../models/model-sources.js';
import type { TrainMessage, TrainRequest } from './train-protocol.js';

const scope = self as unknown as { postMessage(message: TrainMessage, transfer?: Transferable[]): void; onmessage: ((event: MessageEvent<TrainRequest>) => void) | null };

async function digits(file: string): Promise<Digits> {
  const response = await fetch(new URL(file, self.location.href));
  if (!response.ok) throw new Error(`${file}: HTTP ${response.status}`);
  return decodeDigits(new Uint8Array(await response.arrayBuffer()));
}

async function startBackend(): Promise<string> {
  setWasmPaths(new URL('./', self.location.href).href);
  if (await tf.setBackend('wasm').catch(() => false)) {
    await tf.ready();
    registerWasmKernels();
    return 'wasm';
  }
  await tf.setBackend('cpu'); // no WebAssembly: slow, but it still trains
  await tf.ready();
  return 'cpu';
}

async function train(request: TrainRequest): Promise<void> {
  const started = performance.now();
  const backend = await startBackend();
  const [trainSet, testSet] = await Promise.all([digits('mnist-train.bin'), digits('mnist-test.bin')]);
  const n = Math.min(request.digits, trainSet.count);
  const model = lenet5(request.seed);
  model.compile({ optimizer: tf.train.adam(LENET_RECIPES.lenet5.learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const xs = tf.tensor4d(trainSet.images.subarray(0, n * 784), [n, 28, 28, 1]);
  const ys = tf.oneHot(tf.tensor1d(Array.from(trainSet.labels.subarray(0, n)), 'int32'), 10);
  const batchSize = LENET_RECIPES.lenet5.batchSize;
  let epoch = 0;
  await model.fit(xs, ys, {
    batchSize,
    epochs: request.epochs,
    shuffle: true,
    callbacks: {
      onEpochBegin: async (e) => {
        epoch = e;
      },
      onBatchEnd: async (batch, logs) => {
        scope.postMessage({ type: 'progress', epoch, epochs: request.epochs, seen: Math.min(n, (batch + 1) * batchSize), total: n, loss: logs?.loss ?? NaN, accuracy: logs?.acc ?? NaN });
      },
    },
  });
  tf.dispose([xs, ys]);
  const testAccuracy = tf.tidy(() => {
    // Functional ops: the bundle registers no chained methods (tensor.argMax) on tensors.
    const predicted = tf.argMax(model.predict(tf.tensor4d(testSet.images, [testSet.count, 28, 28, 1])) as tf.Tensor, -1);
    return tf.mean(tf.cast(tf.equal(predicted, tf.tensor1d(Array.from(testSet.labels), 'int32')), 'float32')).dataSync()[0]!;
  });
  const artifacts = await modelArtifacts(model);
  const weightData = tf.io.CompositeArrayBuffer.join(artifacts.weightData!);
  model.dispose();
  const result: MemoryArtifacts = { modelTopology: artifacts.modelTopology as object, weightSpecs: artifacts.weightSpecs as MemoryArtifacts['weightSpecs'], weightData };
  scope.postMessage({ type: 'done', artifacts: result, testAccuracy, seconds: (performance.now() - started) / 1000, backend }, [weightData]);
}

scope.onmessage = (event) => {
  train(event.data).catch((error: unknown) => scope.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) }));
};
