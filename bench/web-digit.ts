/**
 * `npx tsx bench/web-digit.ts [--dense out/lenet5] [--snn out/lenet5.snn] [--digits 50] [--json]`: what
 * the playground's two digit engines cost and do in a real browser (Debian's chromium, headless).
 * Builds the app into a temporary directory, serves it with the two models, opens the draw view and
 * records every response: the bytes each engine really transferred (its code chunks, and for the
 * compressed engine the smallnets runtime's .wasm; gzip where the server has a copy, by
 * Content-Length) and each model's files. Then paints the first `--digits` MNIST test digits on the
 * pad (median per-digit latency as the page shows it, and how many each engine labels correctly) and
 * presses "Measure test accuracy" (all 2,000 test digits, in the page).
 * Target of issue 11: compressed digit model + engine ≤ 200 KB.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildWebApp } from '../scripts/build-web.js';
import { loadMnist } from '../src/data/mnist.js';
import { launchChromium } from '../src/web/browser.test-util.js';
import { startWebServer } from '../src/web/server.js';

const TARGET_BYTES = 200_000;
const { values } = parseArgs({
  options: {
    dense: { type: 'string', default: 'out/lenet5' },
    snn: { type: 'string', default: 'out/lenet5.snn' },
    digits: { type: 'string', default: '50' },
    json: { type: 'boolean', default: false },
  },
});
const digits = Number(values.digits);
if (!Number.isInteger(digits) || digits < 1 || digits > 2000) {
  process.stderr.write(`--digits must be an integer in [1, 2000], got ${values.digits}\n`);
  process.exit(2);
}

const dir = await mkdtemp(path.join(tmpdir(), 'smallnets-bench-web-digit-'));
const manifest = await buildWebApp(path.join(dir, 'app'));
// The server numbers the models in the order given: /models/0/ dense, /models/1/ the .snn.
const server = await startWebServer({ appDir: path.join(dir, 'app'), port: 0, models: [values.dense, values.snn] });
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const transferred = new Map<string, number>();
  page.on('response', (r) => transferred.set(new URL(r.url()).pathname.slice(1), Number(r.headers()['content-length'] ?? 0)));
  await page.goto(`${server.url}#draw`);
  await page.waitForSelector('section[data-view="draw"][data-ready]');
  await page.waitForSelector('#dense-engine[data-model-bytes]');
  await page.waitForSelector('#compressed-engine[data-model-bytes]');

  const bytesOf = (files: string[]) => files.reduce((sum, f) => sum + (transferred.get(f) ?? 0), 0);
  const under = (prefix: string) => [...transferred.keys()].filter((f) => f.startsWith(prefix));
  const missing = [...manifest.engines.dense, ...manifest.engines.compressed].filter((f) => !transferred.has(f));
  if (missing.length > 0) throw new Error(`the page did not fetch engine files ${missing.join(', ')}`);

  const { test } = loadMnist();
  let denseCorrect = 0;
  let compressedCorrect = 0;
  for (let index = 0; index < digits; index++) {
    const before = Number((await page.getAttribute('section[data-view="draw"]', 'data-classified')) ?? 0);
    await page.evaluate((pixels) => {
      const pad = document.querySelector<HTMLCanvasElement>('#pad')!;
      const context = pad.getContext('2d')!;
      const cell = pad.width / 28;
      pixels.forEach((v, i) => {
        const g = Math.round(v * 255);
        context.fillStyle = `rgb(${g},${g},${g})`;
        context.fillRect((i % 28) * cell, Math.floor(i / 28) * cell, cell, cell);
      });
      pad.dispatchEvent(new PointerEvent('pointerup'));
    }, Array.from(test.images.subarray(index * 784, (index + 1) * 784)));
    await page.waitForFunction((n) => Number(document.querySelector('section[data-view="draw"]')!.getAttribute('data-classified')) > n, before);
    if (Number(await page.getAttribute('#dense-engine', 'data-top1')) === test.labels[index]) denseCorrect++;
    if (Number(await page.getAttribute('#compressed-engine', 'data-top1')) === test.labels[index]) compressedCorrect++;
  }
  await page.click('#measure-accuracy');
  await page.waitForSelector('#compressed-engine[data-accuracy]', { timeout: 300_000 });
  const card = async (id: string, key: string) => page.getAttribute(`#${id}`, `data-${key}`);

  const compressedEngineBytes = bytesOf(manifest.engines.compressed);
  const compressedModelBytes = bytesOf(under('models/1/'));
  const denseEngineBytes = bytesOf(manifest.engines.dense);
  const denseModelBytes = bytesOf(under('models/0/'));
  const result = {
    bench: 'web-digit',
    denseModel: values.dense,
    compressedModel: values.snn,
    compressedEngine: await card('compressed-engine', 'engine'),
    compressedModelBytes,
    compressedEngineBytes,
    compressedEngineBytesUnpacked: manifest.engines.compressed.reduce((sum, f) => sum + (manifest.bytes[f] ?? 0), 0),
    compressedTotalBytes: compressedModelBytes + compressedEngineBytes,
    compressedWithinTarget: compressedModelBytes + compressedEngineBytes <= TARGET_BYTES,
    compressedEnginePackages: manifest.enginePackages.compressed,
    denseEngine: await card('dense-engine', 'engine'),
    denseModelBytes,
    denseEngineBytes,
    denseTotalBytes: denseModelBytes + denseEngineBytes,
    paintedDigits: digits,
    densePaintedCorrect: denseCorrect,
    compressedPaintedCorrect: compressedCorrect,
    denseMedianMs: Number(await card('dense-engine', 'median-ms')),
    compressedMedianMs: Number(await card('compressed-engine', 'median-ms')),
    denseTestAccuracy: Number(await card('dense-engine', 'accuracy')),
    compressedTestAccuracy: Number(await card('compressed-engine', 'accuracy')),
    targetBytes: TARGET_BYTES,
    browser: browser.version(),
  };
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else {
    const kb = (n: number) => `${(n / 1000).toFixed(1)} KB`;
    process.stderr.write(`compressed (${result.compressedEngine}): model ${kb(compressedModelBytes)} + engine ${kb(compressedEngineBytes)} = ${kb(result.compressedTotalBytes)} (target ≤ ${kb(TARGET_BYTES)}: ${result.compressedWithinTarget ? 'met' : 'missed'}), ${(result.compressedTestAccuracy * 100).toFixed(2)}% on 2,000 test digits, median ${result.compressedMedianMs.toFixed(2)} ms per drawn digit\n`);
    process.stderr.write(`dense (${result.denseEngine}): model ${kb(denseModelBytes)} + engine ${kb(denseEngineBytes)} = ${kb(result.denseTotalBytes)}, ${(result.denseTestAccuracy * 100).toFixed(2)}% on 2,000 test digits, median ${result.denseMedianMs.toFixed(2)} ms per drawn digit\n`);
  }
} finally {
  await browser.close();
  await server.close();
  await rm(dir, { recursive: true, force: true });
}
