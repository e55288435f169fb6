/** Classification accuracy of a runtime model over labelled samples, in batches (no TF.js). */
import { UsageError } from '../errors.js';
import type { RuntimeModel } from './model.js';

/**
 * Fraction of samples whose highest score is their label (ties: the first index, as tf.argMax).
 * @example const acc = runtimeAccuracy(net, test.images, test.labels, test.count);
 */
export function runtimeAccuracy(net: RuntimeModel, images: Float32Array, labels: ArrayLike<number>, count: number, batch = 250): number {
  const perSample = net.inputSize;
  const classes = net.outputSize;
  if (images.length < count * perSample || labels.length < count) throw new UsageError(`\`images\`/\`labels\` hold fewer than ${count} samples`);
  let correct = 0;
  for (let start = 0; start < count; start += batch) {
    const n = Math.min(batch, count - start);
    const y = net.predict(images.subarray(start * perSample, (start + n) * perSample), n);
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let c = 1; c < classes; c++) if (y[i * classes + c]! > y[i * classes + best]!) best = c;
      if (best === labels[start + i]) correct++;
    }
  }
  return count === 0 ? 0 : correct / count;
}
