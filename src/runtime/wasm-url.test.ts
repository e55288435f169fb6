/** `wasmUrl`: an app that bundles the runtime itself says where it copied smallnets-runtime.wasm. */
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RuntimeError, UsageError } from '../errors.js';
import { lenet300 } from '../models/lenet.js';
import { encodeModel } from '../models/snn-model.js';
import { loadRuntimeModel } from './index.js';
import { defaultWasmUrl, relaxedSimdSupported, relaxedWasmName, WASM_FILE } from './wasm-module.js';

let dir: string;
let lenet: Uint8Array;

beforeAll(async () => {
  await tf.setBackend('cpu');
  lenet = (await encodeModel(lenet300())).bytes;
  dir = await mkdtemp(path.join(tmpdir(), 'smallnets-wasm-url-'));
});

afterAll(() => rm(dir, { recursive: true, force: true }));

describe('wasmUrl', () => {
  it('a copy of the .wasm elsewhere, named by URL (string or URL object), runs the model like the default file', async () => {
    const copy = path.join(dir, 'elsewhere', WASM_FILE);
    await mkdir(path.dirname(copy), { recursive: true });
    await copyFile(defaultWasmUrl(), copy);
    const x = Float32Array.from({ length: 2 * 784 }, (_, i) => (i * 7919) % 255 / 255);
    // Without its -relaxed.wasm twin beside it, the copy runs the plain SIMD128 build.
    const reference = await loadRuntimeModel(lenet, { engine: 'wasm', relaxedSimd: false });
    for (const wasmUrl of [pathToFileURL(copy), pathToFileURL(copy).href]) {
      const net = await loadRuntimeModel(lenet, { engine: 'wasm', wasmUrl });
      expect(net.describe().engine).toBe(reference.describe().engine);
      expect(net.describe().relaxedSimd).toBe(false);
      expect(Array.from(net.predict(x, 2))).toEqual(Array.from(reference.predict(x, 2)));
      net.dispose();
    }
    reference.dispose();
  });

  it('the relaxed-SIMD twin beside a copy is used where the engine has relaxed SIMD (the test config enables it)', async () => {
    const copy = path.join(dir, 'twins', WASM_FILE);
    await mkdir(path.dirname(copy), { recursive: true });
    await copyFile(defaultWasmUrl(), copy);
    await copyFile(new URL(relaxedWasmName(defaultWasmUrl().href)), path.join(dir, 'twins', relaxedWasmName(WASM_FILE)));
    const x = Float32Array.from({ length: 784 }, (_, i) => (i * 7919) % 255 / 255);
    const reference = await loadRuntimeModel(lenet, { engine: 'wasm' });
    const net = await loadRuntimeModel(lenet, { engine: 'wasm', wasmUrl: pathToFileURL(copy) });
    expect(net.describe().relaxedSimd).toBe(relaxedSimdSupported());
    expect(reference.describe().relaxedSimd).toBe(relaxedSimdSupported());
    expect(Array.from(net.predict(x, 1))).toEqual(Array.from(reference.predict(x, 1)));
    net.dispose();
    reference.dispose();
  });

  it('a missing file is a RuntimeError naming it, and a later load with a good URL still works', async () => {
    const missing = pathToFileURL(path.join(dir, 'nowhere', WASM_FILE));
    const failed = loadRuntimeModel(lenet, { engine: 'wasm', wasmUrl: missing });
    await expect(failed).rejects.toThrow(RuntimeError);
    await expect(loadRuntimeModel(lenet, { engine: 'wasm', wasmUrl: missing })).rejects.toThrow(/nowhere\/smallnets-runtime\.wasm/);
    const net = await loadRuntimeModel(lenet, { engine: 'wasm', wasmUrl: defaultWasmUrl() });
    expect(net.predict(new Float32Array(784), 1)).toHaveLength(10);
    net.dispose();
  });

  it('a relative path outside a page is a UsageError naming `wasmUrl`, even for the JS engine', async () => {
    await expect(loadRuntimeModel(lenet, { wasmUrl: 'smallnets-runtime.wasm' })).rejects.toThrow(UsageError);
    await expect(loadRuntimeModel(lenet, { engine: 'js', wasmUrl: 'smallnets-runtime.wasm' })).rejects.toThrow(/`wasmUrl` must be an absolute URL, got "smallnets-runtime.wasm"/);
  });
});
