/** What image a model takes: the [height, width, channels] of its single NHWC image input. */
import type * as tfl from '@tensorflow/tfjs-layers';
import { RuntimeError } from '../errors.js';

export interface ImageInput {
  height: number;
  width: number;
  channels: 1 | 3;
}

/**
 * The image input of a model: one input of shape [batch, height, width, 1 or 3].
 *
 * @example
 * imageInputOf(lenet5()); // { height: 28, width: 28, channels: 1 }
 */
export function imageInputOf(model: tfl.LayersModel): ImageInput {
  const shape = model.inputs[0]!.shape;
  const [, height, width, channels] = shape;
  if (model.inputs.length !== 1 || shape.length !== 4 || !height || !width || (channels !== 1 && channels !== 3)) {
    throw new RuntimeError(`model input ${JSON.stringify(shape)} is not an image input [batch, height, width, 1 or 3]`);
  }
  return { height, width, channels };
}

/** The number of classes of a classifier's [batch, classes] output. */
export function outputClasses(model: tfl.LayersModel): number {
  const output = model.outputs[0]!.shape;
  if (model.outputs.length !== 1 || output.length !== 2 || !output[1]) {
    throw new RuntimeError(`model output ${JSON.stringify(output)} is not a [batch, classes] classifier output`);
  }
  return output[1];
}
