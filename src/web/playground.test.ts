/**
 * The playground in a real browser (Debian's chromium through playwright-core): one build, one
 * server, one browser launch for the whole file, a fresh page per test. Screenshots of each view
 * go to out/web-screenshots/ (not committed).
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebApp, type BuildManifest } from '../../scripts/build-web.js';
import { loadMnist } from '../data/mnist.js';
import { launchChromium } from './browser.test-util.js';
import { startWebServer, type WebServer } from './server.js';
import { trainDigitModels, type DigitModels } from './digit-models.test-util.js';
import { FIXTURE_DONE_TRIALS, writeExplorationFixture } from './exploration-fixture.test-util.js';

const SCREENSHOTS = path.resolve('out/web-screenshots');

let dir: string;
let manifest: BuildManifest;
let server: WebServer;
let browser: Browser;
let models: DigitModels;
let bytesFront: string[];

/** A page on the playground that records console errors and uncaught exceptions. */
async function open(view: string, width = 1100): Promise<{ page: Page; errors: string[]; fetched: Map<string, number> }> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const errors: string[] = [];
  const fetched = new Map<string, number>();
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('response', (r) => {
    const file = new URL(r.url()).pathname.slice(1) || 'index.html';
    fetched.set(file, Number(r.headers()['content-length'] ?? 0));
  });
  await page.goto(`${server.url}#${view}`);
  await page.waitForSelector(`section[data-view="${view}"][data-ready]`);
  return { page, errors, fetched };
}

async function nextFrames(page: Page): Promise<void> {
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'smallnets-web-'));
  manifest = await buildWebApp(path.join(dir, 'app'));
  models = await trainDigitModels(dir);
  ({ bytesFront } = await writeExplorationFixture(path.join(dir, 'explore')));
  server = await startWebServer({ appDir: path.join(dir, 'app'), port: 0, models: [models.tfjsDir, models.snnFile], explorations: [path.join(dir, 'explore')] });
  browser = await launchChromium();
  await mkdir(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the playground in chromium', () => {
  it('loads the filter view with no console error, fetching only the first-load files (≤ 500 KB, no ML library)', async () => {
    const { page, errors, fetched } = await open('filter');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'filter.png') });
    expect(errors).toEqual([]);
    const files = [...fetched.keys()].filter((f) => f !== 'served.json');
    expect(files.every((f) => manifest.firstLoad.includes(f)), files.join(', ')).toBe(true);
    const bytes = [...fetched.values()].reduce((a, b) => a + b, 0);
    expect(bytes).toBeGreaterThan(10_000);
    expect(bytes).toBeLessThanOrEqual(500_000);
    await page.close();
  });

  it('a Sobel-x kernel typed into the grid turns the output canvas into the reference convolution', async () => {
    const { page, errors } = await open('filter');
    await page.selectOption('#image-source', 'digit:4'); // a "2"
    await page.click('button[data-preset="identity"]');
    const sobelX = [-1, 0, 1, -2, 0, 2, -1, 0, 1];
    for (const [i, w] of sobelX.entries()) await page.fill(`.kernel-grid input[data-index="${i}"]`, String(w));
    await nextFrames(page);
    const shown = await page.evaluate(() => {
      const canvas = document.querySelector<HTMLCanvasElement>('#filter-output')!;
      return { width: canvas.width, height: canvas.height, rgba: Array.from(canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data) };
    });
    const { test } = loadMnist();
    const digits = [...test.labels.keys()].filter((i) => test.labels[i] === 2);
    const digit = test.images.subarray(digits[0]! * 784, digits[0]! * 784 + 784);
    const values = tf.tidy(() => tf.conv2d(tf.tensor4d(Float32Array.from(digit, (v) => Math.round(v * 255) / 255), [1, 28, 28, 1]), tf.tensor4d(sobelX, [3, 3, 1, 1]), 1, 'same').dataSync());
    const min = Math.min(...values);
    const max = Math.max(...values);
    expect([shown.width, shown.height]).toEqual([28, 28]);
    let worst = 0;
    values.forEach((v, i) => (worst = Math.max(worst, Math.abs(shown.rgba[i * 4]! - Math.round(((v - min) * 255) / (max - min))))));
    expect(worst).toBeLessThanOrEqual(1); // float summation order may move a rounding by one level
    await page.hover('#filter-output', { position: { x: 150, y: 150 } });
    expect(await page.textContent('#arithmetic')).toMatch(/Output pixel \(\d+, \d+\) = sum of input × weight/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('opens the user\'s own image file as a gray image, and says so readably when a file is not an image', async () => {
    const { page, errors } = await open('filter');
    const png = new PNG({ width: 40, height: 30 });
    for (let i = 0; i < 40 * 30; i++) png.data.set([i % 40 * 6, i % 40 * 6, i % 40 * 6, 255], i * 4); // a left-to-right ramp
    await page.setInputFiles('#image-file', { name: 'ramp.png', mimeType: 'image/png', buffer: PNG.sync.write(png) });
    await page.waitForFunction(() => document.querySelector('#filter-input')?.getAttribute('width') === '40');
    expect(await page.textContent('figure figcaption')).toBe('ramp.png, 40×30');
    await page.setInputFiles('#image-file', { name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('not an image at all') });
    await page.waitForSelector('#error:not([hidden])');
    expect(await page.textContent('#error span')).toBe('Could not read notes.png: the browser cannot decode it as an image (try a PNG or JPEG)');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows the learned conv1 filters of a served model as tiles, and a tile opens its kernel in the filter view', async () => {
    const { page, errors } = await open('learned');
    await page.waitForSelector('section[data-view="learned"][data-filters]');
    expect(await page.locator('#filter-tiles .tile').count()).toBe(8);
    expect(await page.locator('#feature-maps canvas').count()).toBe(8);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'learned.png'), fullPage: true });
    await page.click('#filter-tiles .tile >> nth=2');
    await page.waitForSelector('section[data-view="filter"]:not([hidden])');
    const typed = await page.$$eval('.kernel-grid input', (inputs) => inputs.map((i) => Number((i as HTMLInputElement).value)));
    const kernel = models.dense.getLayer('conv1').getWeights()[0]!.dataSync(); // [5, 5, 1, 8]
    expect(typed).toHaveLength(25);
    typed.forEach((v, i) => expect(Math.abs(v - kernel[i * 8 + 2]!)).toBeLessThanOrEqual(Math.abs(kernel[i * 8 + 2]!) * 0.005 + 1e-6));
    expect(errors).toEqual([]);
    await page.close();
  });

  it('trains a LeNet-5 in a background worker and shows its filters', async () => {
    const { page, errors } = await open('learned');
    // A tiny run (the page offers 1,000 or 8,000 digits): the worker, TF.js wasm and the hand-off are what is tested.
    await page.$eval('#train-digits', (s) => (s as HTMLSelectElement).add(new Option('on 100 digits', '100')));
    await page.selectOption('#train-digits', '100');
    await page.click('#train-here');
    await page.waitForFunction(() => document.querySelectorAll('#filter-tiles .tile').length === 20, undefined, { timeout: 60_000 });
    expect(await page.$eval('#learned-model', (s) => (s as HTMLSelectElement).selectedOptions[0]!.textContent)).toMatch(/^LeNet-5 trained here on 100 digits \((\d+\.\d)% on 2,000 test digits\)$/);
    expect(await page.textContent('#learned-status')).toMatch(/trained in \d+\.\d s on TF\.js wasm/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('classifies painted MNIST test digits as the model does, dense on TF.js and compressed on the smallnets runtime (≤ 200 KB with its model)', async () => {
    const { page, errors, fetched } = await open('draw');
    await page.waitForSelector('#dense-engine[data-model-bytes]');
    await page.waitForSelector('#compressed-engine[data-model-bytes]');
    expect(await page.getAttribute('#compressed-engine', 'data-engine')).toBe('smallnets runtime (WebAssembly SIMD)');
    const { test } = loadMnist();
    for (const index of models.confident.slice(0, 3)) {
      const pixels = Array.from(test.images.subarray(index * 784, index * 784 + 784));
      const before = Number((await page.getAttribute('section[data-view="draw"]', 'data-classified')) ?? 0);
      await page.evaluate((values) => {
        const pad = document.querySelector<HTMLCanvasElement>('#pad')!;
        const context = pad.getContext('2d')!;
        const cell = pad.width / 28;
        values.forEach((v, i) => {
          const g = Math.round(v * 255);
          context.fillStyle = `rgb(${g},${g},${g})`;
          context.fillRect((i % 28) * cell, Math.floor(i / 28) * cell, cell, cell);
        });
        pad.dispatchEvent(new PointerEvent('pointerup'));
      }, pixels);
      await page.waitForFunction((n) => Number(document.querySelector('section[data-view="draw"]')!.getAttribute('data-classified')) > n, before);
      const expected = test.labels[index]!;
      expect(Number(await page.getAttribute('#dense-engine', 'data-top1')), `test digit ${index}`).toBe(expected);
      expect(Number(await page.getAttribute('#compressed-engine', 'data-top1')), `test digit ${index}`).toBe(expected);
    }
    // What the compressed path really transferred: its code chunks and the runtime's .wasm (gzip where the
    // server has a copy, as build.json says), and the .snn — no TF.js among them.
    expect(manifest.enginePackages.compressed.filter((p) => p.startsWith('@tensorflow/'))).toEqual([]);
    expect(manifest.engines.compressed).toContain('smallnets-runtime.wasm');
    const engineFiles = manifest.engines.compressed.map((f) => [f, fetched.get(f)] as const);
    expect(engineFiles.filter(([, bytes]) => !(Number(bytes) > 0)), 'engine files the page did not fetch').toEqual([]);
    const engineTransfer = engineFiles.reduce((sum, [, bytes]) => sum + bytes!, 0);
    const snnPath = [...fetched.keys()].find((f) => f.endsWith('/tiny-lenet.snn'))!;
    const snnBytes = (await readFile(models.snnFile)).length;
    expect(fetched.get(snnPath)).toBe(snnBytes);
    expect(engineTransfer + snnBytes).toBeLessThanOrEqual(200_000);
    // The page reports the same numbers.
    expect(Number(await page.getAttribute('#compressed-engine', 'data-model-bytes'))).toBe(snnBytes);
    expect(Number(await page.getAttribute('#compressed-engine', 'data-engine-bytes'))).toBe(engineTransfer);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'draw.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('compresses the dense model in the page into a .snn that runs on the runtime with the accuracy it has in Node', async () => {
    const { page, errors } = await open('draw');
    await page.waitForSelector('#dense-engine[data-model-bytes]');
    await page.click('#compress-here');
    await page.waitForFunction(() => /pruned/.test(document.querySelector('#compressed-engine h3')?.textContent ?? ''));
    expect(Number(await page.getAttribute('#compressed-engine', 'data-model-bytes'))).toBe(models.pageMadeBytes); // the bytes Node makes
    expect(Number(await page.getAttribute('#dense-engine', 'data-model-bytes'))).toBeGreaterThan(models.pageMadeBytes * 5);
    expect(await page.getAttribute('#compressed-engine', 'data-engine')).toBe('smallnets runtime (WebAssembly SIMD)');
    expect(await page.textContent('#compressed-engine')).toContain('compressed in this page: no fine-tuning');
    await page.click('#measure-accuracy');
    await page.waitForSelector('#compressed-engine[data-accuracy]');
    // Same wasm, same rows, same batches: the page's runtime gets the accuracy Node's runtime got, exactly.
    expect(Number(await page.getAttribute('#compressed-engine', 'data-accuracy'))).toBe(models.accuracy.pageMade);
    // TF.js cpu in the page vs wasm in Node: a borderline digit may fall either way.
    expect(Math.abs(Number(await page.getAttribute('#dense-engine', 'data-accuracy')) - models.accuracy.dense)).toBeLessThanOrEqual(2 / 2000);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a malformed model file shows a readable error in the page, and the view keeps working', async () => {
    const { page } = await open('draw');
    await page.waitForSelector('#dense-engine[data-model-bytes]');
    const garbage = Buffer.from([0x89, 0x53, 0x4e, 0x4e, ...Array.from({ length: 60 }, (_, i) => (i * 37) % 256)]);
    await page.setInputFiles('#compressed-model-file', { name: 'broken.snn', mimeType: 'application/octet-stream', buffer: garbage });
    await page.waitForSelector('#error:not([hidden])');
    const message = (await page.textContent('#error span'))!;
    expect(message).toMatch(/^Could not open broken\.snn \(your file\): .{10,}/);
    expect(message).not.toMatch(/undefined|\bat \w+ \(|Error:/);
    expect(await page.$eval('#compressed-model', (s) => (s as HTMLSelectElement).selectedOptions[0]!.textContent)).toBe('tiny-lenet.snn (from the server)');
    await page.setInputFiles('#dense-model-file', { name: 'model.json', mimeType: 'application/json', buffer: Buffer.from('{"modelTopology": {}, "weightsManifest": [{"paths": ["w.bin"], "weights": []}]') });
    await page.waitForFunction(() => /not valid JSON/.test(document.querySelector('#error span')?.textContent ?? ''));
    expect(await page.isVisible('#pad')).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'error.png') });
    await page.close();
  });

  it('charts an exploration with one mark per finished trial and the Pareto front marked', async () => {
    const { page, errors } = await open('tradeoffs');
    await page.waitForSelector('#bubble-chart[data-marks]');
    expect(Number(await page.getAttribute('#bubble-chart', 'data-marks'))).toBe(FIXTURE_DONE_TRIALS);
    expect(Number(await page.getAttribute('#bubble-chart', 'data-front'))).toBe(bytesFront.length);
    expect(await page.textContent('#exploration-summary')).toBe(`explore: ${FIXTURE_DONE_TRIALS} finished trials, ${bytesFront.length} on the Pareto front for .snn file size, 1 failed, 1 unreadable line skipped.`);
    await page.click('#trial-list summary');
    await page.click(`#trial-list button[data-key="${bytesFront[0]}"]`);
    expect(await page.locator('#trial-details tbody tr').count()).toBe(4); // conv1, conv2, fc1, fc2
    expect(await page.textContent('#trial-details')).toMatch(/model=lenet5 width=[\d.]+ sparsity=[\d.]+ bits=\d epochs=2.*on the Pareto front \(accuracy vs size/);
    await page.selectOption('#chart-axis', 'macs');
    await page.waitForFunction(() => document.querySelector('#exploration-summary')?.textContent?.includes('multiply-adds'));
    expect(Number(await page.getAttribute('#bubble-chart', 'data-marks'))).toBe(FIXTURE_DONE_TRIALS);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'tradeoffs.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('fits a 360 px wide phone screen without sideways scrolling, in every view', async () => {
    for (const view of ['filter', 'draw', 'tradeoffs']) {
      const { page } = await open(view, 360);
      expect(await page.evaluate(() => document.documentElement.scrollWidth), view).toBeLessThanOrEqual(360);
      await page.screenshot({ path: path.join(SCREENSHOTS, `${view}-phone.png`), fullPage: true });
      await page.close();
    }
  });
});
