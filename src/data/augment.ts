/**
 * Random translations of images, the classic cheap augmentation: it shows a network that a digit
 * shifted by a pixel or two is the same digit, which a small training set (8,000 images) does not
 * show it otherwise. Pixels shifted in are 0 (Keras RandomTranslation with fill_mode 'constant').
 */
import { MNIST_SHAPE, type ImageShape } from './split.js';

/**
 * Copy images `indices` of `source` (row-major height × width × channels each) into `out`, each
 * shifted by a random offset in [−maxShift, maxShift]² drawn from `random`.
 *
 * @example
 * const batch = shiftedBatch(train.images, [0, 1, 2], 1, mulberry32(1)); // three 28×28 digits, shifted
 */
export function shiftedBatch(
  source: Float32Array,
  indices: ArrayLike<number>,
  maxShift: number,
  random: () => number,
  shape: ImageShape = MNIST_SHAPE,
  out?: Float32Array,
): Float32Array {
  const [height, width, channels] = shape;
  const size = height * width * channels;
  const row = width * channels;
  const target = out ?? new Float32Array(indices.length * size);
  target.fill(0, 0, indices.length * size);
  for (let i = 0; i < indices.length; i++) {
    // No draws without shifts, so shift 0 leaves the caller's random stream untouched.
    const dy = maxShift > 0 ? Math.floor(random() * (2 * maxShift + 1)) - maxShift : 0;
    const dx = maxShift > 0 ? Math.floor(random() * (2 * maxShift + 1)) - maxShift : 0;
    const src = indices[i]! * size;
    const dst = i * size;
    const x0 = Math.max(0, dx);
    const x1 = Math.min(width, width + dx);
    for (let y = Math.max(0, dy); y < Math.min(height, height + dy); y++) {
      const from = src + (y - dy) * row + (x0 - dx) * channels;
      target.set(source.subarray(from, from + (x1 - x0) * channels), dst + y * row + x0 * channels);
    }
  }
  return target;
}
