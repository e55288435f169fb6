/**
 * A drawing becomes an MNIST-like 28×28 digit the way the dataset's own digits were made (LeCun et
 * al.): the ink's bounding box is scaled, keeping its aspect ratio, to fit a 20×20 box (with
 * anti-aliasing: area averaging), placed in a 28×28 field, and shifted so that its center of mass
 * sits at the field's center. A model trained on MNIST sees a drawing as it saw its training digits.
 */
import type { Gray } from '../filter/convolution.js';

export const MNIST_SIZE = 28;
export const MNIST_BOX = 20;
/** Pixels at or below this count as background when finding the ink. */
const INK_THRESHOLD = 0.05;

/** Ink bounding box [x0, y0, x1, y1) or null for an empty drawing. */
export function inkBounds(image: Gray, threshold = INK_THRESHOLD): [number, number, number, number] | null {
  let x0 = image.width;
  let y0 = image.height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      if (image.data[y * image.width + x]! > threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return x1 < 0 ? null : [x0, y0, x1 + 1, y1 + 1];
}

/** For resampling n source samples to m: which sources each output covers, by what fraction. */
function areaWeights(n: number, m: number): Array<Array<[number, number]>> {
  const scale = n / m;
  const out: Array<Array<[number, number]>> = [];
  for (let i = 0; i < m; i++) {
    const start = i * scale;
    const end = (i + 1) * scale;
    const taps: Array<[number, number]> = [];
    for (let s = Math.floor(start); s < Math.min(n, Math.ceil(end)); s++) {
      const overlap = Math.min(end, s + 1) - Math.max(start, s);
      if (overlap > 1e-9) taps.push([s, overlap / scale]);
    }
    out.push(taps);
  }
  return out;
}

/** Area-averaging resize of a region [x0, y0, x0+w, y0+h) of `image` to width × height. */
export function resizeArea(image: Gray, region: [number, number, number, number], width: number, height: number): Gray {
  const [rx0, ry0, rx1, ry1] = region;
  const w = rx1 - rx0;
  const h = ry1 - ry0;
  const wx = areaWeights(w, width);
  const wy = areaWeights(h, height);
  // Horizontal pass over the region's rows, then vertical.
  const rows = new Float32Array(h * width);
  for (let y = 0; y < h; y++) {
    const src = (ry0 + y) * image.width + rx0;
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (const [s, f] of wx[x]!) sum += image.data[src + s]! * f;
      rows[y * width + x] = sum;
    }
  }
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (const [s, f] of wy[y]!) sum += rows[s * width + x]! * f;
      data[y * width + x] = sum;
    }
  }
  return { width, height, data };
}

/** Center of mass (x, y) in pixel-index coordinates, or null when there is no ink. */
export function centerOfMass(image: Gray): { x: number; y: number } | null {
  let total = 0;
  let sx = 0;
  let sy = 0;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const v = image.data[y * image.width + x]!;
      total += v;
      sx += v * x;
      sy += v * y;
    }
  }
  return total > 0 ? { x: sx / total, y: sy / total } : null;
}

/** Shift by whole pixels (what falls off the edge is dropped, what comes in is 0). */
export function shift(image: Gray, dx: number, dy: number): Gray {
  const { width: w, height: h } = image;
  const data = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const sy = y - dy;
    if (sy < 0 || sy >= h) continue;
    for (let x = 0; x < w; x++) {
      const sx = x - dx;
      if (sx >= 0 && sx < w) data[y * w + x] = image.data[sy * w + sx]!;
    }
  }
  return { width: w, height: h, data };
}

/**
 * A drawing (ink bright on dark, values in [0, 1], any size) as a 28×28 MNIST-style digit, or null
 * when nothing is drawn.
 * @example
 * const digit = preprocessLikeMnist(grayFromCanvas(canvas)); // then model.predict(digit.data)
 */
export function preprocessLikeMnist(drawing: Gray): Gray | null {
  const bounds = inkBounds(drawing);
  if (bounds === null) return null;
  const [x0, y0, x1, y1] = bounds;
  const w = x1 - x0;
  const h = y1 - y0;
  const scale = MNIST_BOX / Math.max(w, h);
  const bw = Math.max(1, Math.round(w * scale));
  const bh = Math.max(1, Math.round(h * scale));
  const box = resizeArea(drawing, bounds, bw, bh);
  const field: Gray = { width: MNIST_SIZE, height: MNIST_SIZE, data: new Float32Array(MNIST_SIZE * MNIST_SIZE) };
  const ox = Math.floor((MNIST_SIZE - bw) / 2);
  const oy = Math.floor((MNIST_SIZE - bh) / 2);
  for (let y = 0; y < bh; y++) for (let x = 0; x < bw; x++) field.data[(y + oy) * MNIST_SIZE + x + ox] = Math.min(1, box.data[y * bw + x]!);
  const com = centerOfMass(field)!;
  // 14, not the geometric 13.5: with 14, 472 of the first 500 test digits come back unchanged (pixel
  // for pixel) from a 10× enlargement; with 13.5 only 117 do. The dataset was centered this way.
  const center = MNIST_SIZE / 2;
  return shift(field, Math.round(center - com.x), Math.round(center - com.y));
}
