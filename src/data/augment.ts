/**
 * Random translations of 28×28 digits, the classic cheap MNIST augmentation: it shows a
 * fully-connected net that a digit shifted by a pixel or two is the same digit, which a small
 * training set (8,000 images) does not show it otherwise.
 */
import { IMAGE_SIZE, PIXELS } from './mnist.js';

/**
 * Copy images `indices` of `source` into `out` (count × 784), each shifted by a random offset in
 * [−maxShift, maxShift]² drawn from `random`; pixels shifted in are 0 (background).
 */
export function shiftedBatch(
  source: Float32Array,
  indices: ArrayLike<number>,
  maxShift: number,
  random: () => number,
  out: Float32Array = new Float32Array(indices.length * PIXELS),
): Float32Array {
  out.fill(0, 0, indices.length * PIXELS);
  for (let i = 0; i < indices.length; i++) {
    // No draws without shifts, so shift 0 leaves the caller's random stream untouched.
    const dy = maxShift > 0 ? Math.floor(random() * (2 * maxShift + 1)) - maxShift : 0;
    const dx = maxShift > 0 ? Math.floor(random() * (2 * maxShift + 1)) - maxShift : 0;
    const src = indices[i]! * PIXELS;
    const dst = i * PIXELS;
    const x0 = Math.max(0, dx);
    const x1 = Math.min(IMAGE_SIZE, IMAGE_SIZE + dx);
    for (let y = Math.max(0, dy); y < Math.min(IMAGE_SIZE, IMAGE_SIZE + dy); y++) {
      const from = src + (y - dy) * IMAGE_SIZE + (x0 - dx);
      out.set(source.subarray(from, from + (x1 - x0)), dst + y * IMAGE_SIZE + x0);
    }
  }
  return out;
}
