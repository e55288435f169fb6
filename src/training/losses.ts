/**
 * Losses the training loop knows by name, so a data-parallel worker thread can rebuild the same
 * loss from a plain description: cross-entropy on the model's softmax output, and Hinton-style
 * distillation from a teacher (restructure/ distills with it).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** A loss over a batch: `xs` images as the model takes them, `ys` one-hot labels. */
export type LossFn = ((model: tfl.LayersModel, xs: tf.Tensor, ys: tf.Tensor2D) => { loss: tf.Scalar; outputs: tf.Tensor }) & {
  /** How a worker thread rebuilds this loss; losses without it train on one thread. */
  replica?: DistillationReplica;
};

/** What a worker needs to rebuild a distillation loss: the knobs and the teacher model. */
export interface DistillationReplica {
  kind: 'distillation';
  temperature: number;
  alpha: number;
  studentProbabilities: boolean;
  teacher: tfl.LayersModel;
}

/** Cross-entropy on the model's softmax output (clipped so log never sees 0). */
export const crossEntropyLoss: LossFn = (model, xs, ys) => {
  const outputs = model.apply(xs, { training: true }) as tf.Tensor;
  const clipped = tf.clipByValue(outputs, 1e-7, 1);
  const loss = tf.neg(tf.mean(tf.sum(tf.mul(ys, tf.log(clipped)), -1))) as tf.Scalar;
  return { loss, outputs };
};

const LOG_FLOOR = 1e-30;

/** Whether a model's output is a softmax (probabilities) rather than logits. */
export function outputsProbabilities(model: tfl.LayersModel): boolean {
  const layer = model.outputs[0]!.sourceLayer;
  if (layer.getClassName() === 'Softmax') return true;
  return (layer.getConfig() as Record<string, unknown>)['activation'] === 'softmax';
}

function logits(output: tf.Tensor, probabilities: boolean): tf.Tensor {
  return probabilities ? tf.log(tf.clipByValue(output, LOG_FLOOR, 1)) : output;
}

/**
 * Distillation: α·T²·KL(teacher_T ‖ student_T) + (1 − α)·cross-entropy(labels, student), the
 * teacher's outputs computed per batch in inference mode (augmented batches get matching targets).
 *
 * @example
 * trainModel(student, train, { epochs: 3, loss: distillationLoss(teacher, 4, 0.7) });
 */
export function distillationLoss(teacher: tfl.LayersModel, temperature: number, alpha: number, studentProbabilities = true): LossFn {
  const teacherProbabilities = outputsProbabilities(teacher);
  const loss: LossFn = (model, xs, ys) => {
    const outputs = model.apply(xs, { training: true }) as tf.Tensor;
    const zs = logits(outputs, studentProbabilities);
    const zt = logits(teacher.predict(xs) as tf.Tensor, teacherProbabilities);
    const logPt = tf.logSoftmax(tf.div(zt, temperature));
    const logPs = tf.logSoftmax(tf.div(zs, temperature));
    const kl = tf.mean(tf.sum(tf.mul(tf.exp(logPt), tf.sub(logPt, logPs)), -1));
    const ce = tf.neg(tf.mean(tf.sum(tf.mul(ys, tf.logSoftmax(zs)), -1)));
    return { loss: tf.add(tf.mul(kl, alpha * temperature * temperature), tf.mul(ce, 1 - alpha)) as tf.Scalar, outputs };
  };
  loss.replica = { kind: 'distillation', temperature, alpha, studentProbabilities, teacher };
  return loss;
}
