/**
 * Resolution multiplier (MobileNet's ρ): the same network on a different input size. MACs of every
 * conv scale with the output area; parameters do not change, except where a layer's weights depend
 * on the input size (Flatten → Dense): those cannot be carried over, and are refused unless the
 * caller asks for them to start fresh.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { UsageError } from '../errors.js';
import { rebuildModel, singleInputShape } from '../graph/rebuild.js';

export interface ResolutionOptions {
  /** Start layers whose weight shapes change (Dense after Flatten) fresh instead of refusing. */
  reinitialize?: boolean;
}

/** `size` as [height, width]: one number for square inputs. */
function toHeightWidth(size: number | readonly [number, number]): [number, number] {
  const [h, w] = typeof size === 'number' ? [size, size] : size;
  for (const d of [h, w]) {
    if (!Number.isInteger(d) || d < 1) throw new UsageError(`input size must be positive integers, got ${JSON.stringify(size)}`);
  }
  return [h, w];
}

/**
 * A new model taking `size`×`size` (or [h, w]) inputs, with the original's weights.
 *
 * @example
 * const small = resolution(mobilenetV1({ alpha: 0.25 }), 128); // same 0.47M params, fewer MACs
 */
export function resolution(model: tfl.LayersModel, size: number | readonly [number, number], options: ResolutionOptions = {}): tfl.LayersModel {
  const [h, w] = toHeightWidth(size);
  const shape = singleInputShape(model);
  if (shape.length !== 3) throw new UsageError(`resolution needs an image input [height, width, channels], model '${model.name}' takes [${shape.join(', ')}]`);
  const rebuilt = rebuildModel(model, { inputShape: [h, w, shape[2]!], name: `${model.name}_${h}x${w}` });
  if (rebuilt.reinitialized.length > 0 && options.reinitialize !== true) {
    rebuilt.model.dispose();
    throw new UsageError(
      `at ${h}×${w} the weights of ${rebuilt.reinitialized.join(', ')} no longer fit (they depend on the input size); ` +
        'pass reinitialize to start them fresh',
    );
  }
  return rebuilt.model;
}
