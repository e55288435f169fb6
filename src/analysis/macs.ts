/**
 * Multiply-add counts, as MobileNet (Howard et al. 2017, §3.2) and SqueezeNet count them: one MAC
 * per weight per output position; biases, batch norm, activations, pooling, padding, residual adds
 * and concatenations count 0 (they are O(outputs), not O(weights × positions), and BN folds into
 * the preceding conv at inference). Pure arithmetic on dimensions.
 */

function product(dims: readonly number[]): number {
  return dims.reduce((p, d) => p * d, 1);
}

/**
 * A (grouped) convolution: kh·kw·(cin/groups)·cout·oh·ow, generalized to any number of spatial
 * dimensions.
 *
 * @example
 * convMacs([3, 3], 32, 64, [112, 112]); // 3·3·32·64·112·112 = 231,211,008
 */
export function convMacs(
  kernel: readonly number[], cin: number, cout: number, output: readonly number[], groups = 1,
): number {
  return product(kernel) * (cin / groups) * cout * product(output);
}

/**
 * A depthwise convolution: kh·kw·c·multiplier·oh·ow.
 *
 * @example
 * depthwiseMacs([3, 3], 32, 1, [112, 112]); // 3,612,672
 */
export function depthwiseMacs(
  kernel: readonly number[], channels: number, multiplier: number, output: readonly number[],
): number {
  return product(kernel) * channels * multiplier * product(output);
}

/**
 * A depthwise-separable convolution: the depthwise part plus a 1×1 conv from c·multiplier to cout
 * channels, both over the output positions.
 */
export function separableConvMacs(
  kernel: readonly number[], channels: number, multiplier: number, cout: number, output: readonly number[],
): number {
  return depthwiseMacs(kernel, channels, multiplier, output) + convMacs([1], channels * multiplier, cout, output);
}

/**
 * A transposed convolution scatters every input position through the whole kernel:
 * kh·kw·cin·cout·ih·iw.
 */
export function transposedConvMacs(
  kernel: readonly number[], cin: number, cout: number, input: readonly number[],
): number {
  return product(kernel) * cin * cout * product(input);
}

/**
 * A fully connected layer: in·out per position (Dense on a rank > 2 input applies per position).
 *
 * @example
 * denseMacs(800, 500); // 400,000
 */
export function denseMacs(inUnits: number, outUnits: number, positions = 1): number {
  return inUnits * outUnits * positions;
}
