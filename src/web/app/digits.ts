/**
 * The bundled MNIST digits (digits.bin, 20 test digits, 2 per class), fetched once and shared by
 * every view, and the larger train/test files fetched only when a view needs them.
 */
import { decodeDigits, type Digits } from './digit-file.js';
import type { Gray } from './filter/convolution.js';

const cache = new Map<string, Promise<Digits>>();

async function fetchDigits(file: string): Promise<Digits> {
  const response = await fetch(file);
  if (!response.ok) throw new Error(`${file}: HTTP ${response.status}`);
  return decodeDigits(new Uint8Array(await response.arrayBuffer()));
}

/** A digit file of the app (digits.bin, mnist-train.bin or mnist-test.bin), fetched once. */
export function loadDigits(file: 'digits.bin' | 'mnist-train.bin' | 'mnist-test.bin' = 'digits.bin'): Promise<Digits> {
  let pending = cache.get(file);
  if (!pending) {
    pending = fetchDigits(file);
    pending.catch(() => cache.delete(file));
    cache.set(file, pending);
  }
  return pending;
}

/** Digit `index` as a 28×28 gray image. */
export function digitImage(digits: Digits, index: number): Gray {
  return { width: 28, height: 28, data: digits.images.slice(index * 784, (index + 1) * 784) };
}
