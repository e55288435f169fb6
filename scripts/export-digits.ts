/**
 * Writes examples/digits/<label>.png: the first test-split digit of each class, as 28×28 8-bit
 * grayscale PNGs in MNIST's own colours (white digit on a black background). These are the
 * digits the README's `smallnets predict` examples classify; the test split is never trained on.
 *
 *   npx tsx scripts/export-digits.ts
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { PNG } from 'pngjs';
import { IMAGE_SIZE, loadMnist, PIXELS } from '../src/data/mnist.js';

const { test } = loadMnist();
const dir = new URL('../examples/digits/', import.meta.url);
await mkdir(dir, { recursive: true });
for (let label = 0; label < 10; label++) {
  let index = 0;
  while (test.labels[index] !== label) index++;
  const png = new PNG({ width: IMAGE_SIZE, height: IMAGE_SIZE, colorType: 0, inputColorType: 0, bitDepth: 8, inputHasAlpha: false });
  const pixels = test.images.subarray(index * PIXELS, (index + 1) * PIXELS);
  png.data = Buffer.from(Array.from(pixels, (v) => Math.round(v * 255)));
  await writeFile(new URL(`${label}.png`, dir), PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false }));
  process.stderr.write(`examples/digits/${label}.png: test digit #${index}\n`);
}
