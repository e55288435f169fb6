/**
 * One filter slid over one grayscale image: the arithmetic the playground teaches, as plain loops
 * on typed arrays (no ML library on the first page). Cross-correlation, as every CNN library
 * computes it (the kernel is not flipped), with TF.js's stride and padding rules:
 * 'valid' keeps only positions where the kernel fits, 'same' pads with zeros so that the output is
 * ceil(size / stride) and the padding is split with the extra pixel at the bottom/right.
 */

/** A grayscale image, row-major, values usually in [0, 1]. */
export interface Gray {
  width: number;
  height: number;
  data: Float32Array;
}

export type Padding = 'valid' | 'same';

export interface FilterSpec {
  /** size × size weights, row-major. */
  kernel: Float32Array;
  size: number;
  stride: number;
  padding: Padding;
}

/** Output size and the padding before the first row/column (TF.js conventions). */
export function outputGeometry(inputSize: number, kernelSize: number, stride: number, padding: Padding): { size: number; before: number } {
  if (padding === 'valid') return { size: Math.max(0, Math.floor((inputSize - kernelSize) / stride) + 1), before: 0 };
  const size = Math.ceil(inputSize / stride);
  const total = Math.max(0, (size - 1) * stride + kernelSize - inputSize);
  return { size, before: Math.floor(total / 2) };
}

/**
 * Convolve (cross-correlate) `image` with the filter; `out` is reused when it has the right size.
 *
 * Loop order for speed (this is the 224×224-in-one-frame path): for each output row, each kernel
 * tap adds weight × a contiguous run of an input row to the output row. The innermost loop is a
 * plain multiply-add over consecutive pixels with no bounds checks (the run is clipped to the image
 * once per tap, which is also where zero padding happens), and zero weights are skipped.
 * @example
 * const edges = convolve(image, { kernel: presetKernel('sobelX', 3), size: 3, stride: 1, padding: 'same' });
 */
export function convolve(image: Gray, filter: FilterSpec, out?: Gray): Gray {
  const { kernel, size: k, stride, padding } = filter;
  const rows = outputGeometry(image.height, k, stride, padding);
  const cols = outputGeometry(image.width, k, stride, padding);
  const result = out && out.width === cols.size && out.height === rows.size ? out : { width: cols.size, height: rows.size, data: new Float32Array(cols.size * rows.size) };
  const { data, width: w, height: h } = image;
  const o = result.data;
  const ow = cols.size;
  o.fill(0);
  for (let oy = 0; oy < rows.size; oy++) {
    const y0 = oy * stride - rows.before;
    const orow = oy * ow;
    for (let ky = 0; ky < k; ky++) {
      const y = y0 + ky;
      if (y < 0 || y >= h) continue; // a padded row adds zeros
      const irow = y * w;
      for (let kx = 0; kx < k; kx++) {
        const weight = kernel[ky * k + kx]!;
        if (weight === 0) continue;
        // Input column of output column ox: ox·stride + shift; keep the ox whose column is inside.
        const shift = kx - cols.before;
        const first = Math.max(0, Math.ceil(-shift / stride));
        const last = Math.min(ow, Math.floor((w - 1 - shift) / stride) + 1);
        if (stride === 1) {
          const base = irow + shift;
          for (let ox = first; ox < last; ox++) o[orow + ox] += weight * data[base + ox]!;
        } else {
          for (let ox = first; ox < last; ox++) o[orow + ox] += weight * data[irow + ox * stride + shift]!;
        }
      }
    }
  }
  return result;
}

/** One term of an output pixel's sum: input pixel (or 0 in the padding) × weight. */
export interface Term {
  x: number;
  y: number;
  /** Input value; 0 for a padded position. */
  input: number;
  weight: number;
  padded: boolean;
}

/** The arithmetic behind output pixel (ox, oy): every product, and their sum. */
export function explainPixel(image: Gray, filter: FilterSpec, ox: number, oy: number): { terms: Term[]; sum: number; x0: number; y0: number } {
  const { kernel, size: k, stride, padding } = filter;
  const y0 = oy * stride - outputGeometry(image.height, k, stride, padding).before;
  const x0 = ox * stride - outputGeometry(image.width, k, stride, padding).before;
  const terms: Term[] = [];
  let sum = 0;
  for (let ky = 0; ky < k; ky++) {
    for (let kx = 0; kx < k; kx++) {
      const x = x0 + kx;
      const y = y0 + ky;
      const padded = x < 0 || y < 0 || x >= image.width || y >= image.height;
      const input = padded ? 0 : image.data[y * image.width + x]!;
      const weight = kernel[ky * k + kx]!;
      terms.push({ x, y, input, weight, padded });
      sum += input * weight;
    }
  }
  return { terms, sum, x0, y0 };
}

/**
 * Grayscale bytes for display: the smallest value black, the largest white (a flat map is mid-gray).
 * Negative responses (e.g. a Sobel edge of the other polarity) stay visible as darker than zero.
 */
export function toGrayBytes(values: Float32Array, out?: Uint8ClampedArray): Uint8ClampedArray {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const rgba = out && out.length === values.length * 4 ? out : new Uint8ClampedArray(values.length * 4);
  const range = max - min;
  const scale = range > 0 ? 255 / range : 0;
  for (let i = 0; i < values.length; i++) {
    const g = range > 0 ? Math.round((values[i]! - min) * scale) : 128;
    const j = i * 4;
    rgba[j] = g;
    rgba[j + 1] = g;
    rgba[j + 2] = g;
    rgba[j + 3] = 255;
  }
  return rgba;
}
