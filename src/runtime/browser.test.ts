/**
 * The browser bundle (dist/browser/smallnets-runtime.js + .wasm) in Debian's Chromium: it loads a .snn over
 * HTTP from a local server and predicts the same scores as the runtime in Node, with no other script.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lenet5 } from '../models/lenet.js';
import { encodeModel } from '../models/snn-model.js';
import { maxRelativeError } from '../engine/backends.test-util.js';
import { loadRuntimeModel } from './index.js';
import { seededValues } from './reference.test-util.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BUNDLE = path.join(ROOT, 'dist/browser');
const CHROMIUM = '/usr/bin/chromium';

let server: Server;
let snn: Uint8Array;

beforeAll(async () => {
  await tf.setBackend('cpu');
  snn = (await encodeModel(lenet5(7))).bytes;
  const files: Record<string, { body: () => Promise<Uint8Array | string>; type: string }> = {
    '/smallnets-runtime.js': { body: () => readFile(path.join(BUNDLE, 'smallnets-runtime.js')), type: 'text/javascript' },
    '/smallnets-runtime.wasm': { body: () => readFile(path.join(BUNDLE, 'smallnets-runtime.wasm')), type: 'application/wasm' },
    '/lenet5.snn': { body: async () => snn, type: 'application/octet-stream' },
    '/': { body: async () => '<!doctype html><title>runtime</title>', type: 'text/html' },
  };
  server = createServer((req, res) => {
    const file = files[req.url ?? ''];
    if (!file) return res.writeHead(404).end();
    void file.body().then((body) => res.writeHead(200, { 'content-type': file.type }).end(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});

afterAll(() => server?.close());

describe('browser bundle', () => {
  it('loads a .snn by URL in Chromium and predicts like the Node runtime', async () => {
    expect(existsSync(path.join(BUNDLE, 'smallnets-runtime.js')), 'run npm run build first').toBe(true);
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const input = seededValues(2 * 784, 3, 0, 1);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const page = await browser.newPage();
      await page.goto(`${base}/`);
      // A string, not a function: vitest would rewrite a function's import() for Node.
      const result = (await page.evaluate(`(async () => {
        const runtime = await import('${base}/smallnets-runtime.js');
        const net = await runtime.loadRuntimeModel('${base}/lenet5.snn');
        const y = net.predict(Float32Array.from(${JSON.stringify(Array.from(input))}), 2);
        const engine = net.describe().engine;
        net.dispose();
        return { y: Array.from(y), engine };
      })()`)) as { y: number[]; engine: string };
      expect(result.engine).toBe('wasm-simd');
      const node = await loadRuntimeModel(snn);
      expect(maxRelativeError(Float32Array.from(result.y), node.predict(input, 2))).toBeLessThan(1e-6);
      node.dispose();
    } finally {
      await browser.close();
    }
  });
});
