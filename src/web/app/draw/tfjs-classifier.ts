/** A tf.layers digit model as a DigitClassifier on TF.js (the dense engine). */
import type * as tfl from '@tensorflow/tfjs-layers';
import { loadTfjs } from '../tfjs.js';
import { asProbabilities, type DigitClassifier } from './digit-classifier.js';

export async function tfjsClassifier(model: tfl.LayersModel, engine: string): Promise<DigitClassifier> {
  const { tf } = await loadTfjs();
  return {
    engine,
    predict(digits, count) {
      const out = tf.tidy(() => (model.predict(tf.tensor4d(digits, [count, 28, 28, 1])) as import('@tensorflow/tfjs-core').Tensor).dataSync() as Float32Array);
      return asProbabilities(out, 10);
    },
    dispose: () => model.dispose(),
  };
}
