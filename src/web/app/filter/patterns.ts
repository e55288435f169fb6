/**
 * Built-in test images, drawn by formula so they cost no download: each shows off a different
 * filter (a Sobel pair on the square's edges, blur on the checkerboard, the ring for every angle).
 */
import type { Gray } from './convolution.js';

export const PATTERNS = {
  shapes: 'Square and ring',
  checkerboard: 'Checkerboard',
  stripes: 'Diagonal stripes',
  gradient: 'Gradient',
} as const;

export type PatternName = keyof typeof PATTERNS;

/** A `size`×`size` pattern with values in [0, 1]. */
export function pattern(name: PatternName, size = 224): Gray {
  const data = new Float32Array(size * size);
  const s = size;
  for (let y = 0; y < s; y++) {
    for (let x = 0; x < s; x++) {
      let v = 0;
      switch (name) {
        case 'shapes': {
          const inSquare = x >= s * 0.12 && x < s * 0.45 && y >= s * 0.15 && y < s * 0.48;
          const r = Math.hypot(x - s * 0.66, y - s * 0.64);
          const inRing = r < s * 0.26 && r > s * 0.16;
          v = inSquare ? 1 : inRing ? 0.75 : 0.1;
          break;
        }
        case 'checkerboard':
          v = (Math.floor(x / (s / 8)) + Math.floor(y / (s / 8))) % 2 === 0 ? 0.9 : 0.1;
          break;
        case 'stripes':
          v = Math.floor((x + y) / (s / 12)) % 2 === 0 ? 1 : 0;
          break;
        case 'gradient':
          v = x / (s - 1);
          break;
      }
      data[y * s + x] = v;
    }
  }
  return { width: s, height: s, data };
}
