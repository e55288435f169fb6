import { describe, expect, it } from 'vitest';
import { lenet300, lenet5 } from '../models/lenet.js';
import { mobilenetV1 } from '../models/mobilenet-v1.js';
import { mobilenetV2 } from '../models/mobilenet-v2.js';
import { squeezenet } from '../models/squeezenet.js';
import { maxRelativeError } from '../engine/backends.test-util.js';
import { loadRuntimeModel } from './index.js';
import { splitsBatch } from './threads.js';
import { compressedCase, linearCodebook, pruneInPlace, referenceCase, symmetricInt8Hint } from './reference.test-util.js';
import type { EncodingHint } from '../format/index.js';
import { factorize, separable, widthMultiplier } from '../restructure/index.js';

const ENGINES = ['wasm', 'js'] as const;

describe('runtime vs TF.js cpu, zoo models (random weights)', () => {
  const cases = [
    ['lenet300', () => lenet300(), 3],
    ['lenet5', () => lenet5(), 3],
    ['mobilenet_v1 0.25/128 (linear top)', () => mobilenetV1({ alpha: 0.25, inputSize: 128, classes: 16, classifierActivation: 'linear' }), 1],
    ['mobilenet_v2 0.35/96', () => mobilenetV2({ alpha: 0.35, inputSize: 96, classes: 16, classifierActivation: 'linear' }), 1],
    ['squeezenet 1.1/64', () => squeezenet({ version: '1.1', inputSize: 64, classes: 16, classifierActivation: 'linear' }), 1],
  ] as const;
  for (const [name, build, batch] of cases) {
    it(name, async () => {
      const { bytes, input, expected } = await referenceCase(build, batch, 11);
      for (const engine of ENGINES) {
        const net = await loadRuntimeModel(bytes, { engine });
        const y = net.predict(input, batch);
        expect(maxRelativeError(y, expected)).toBeLessThan(1e-4);
        net.dispose();
      }
    });
  }
});

describe('runtime vs TF.js cpu, compressed LeNets (expected from the decoded file)', () => {
  // Pruned to 8% and clustered (the default recipe's shape), plus the other stored encodings.
  const recipe = (name: string, values: Float32Array): EncodingHint | null => {
    if (!name.endsWith('kernel')) return name.endsWith('bias') ? { float16: true } : null;
    pruneInPlace(values, 0.08);
    return { codebook: linearCodebook(values, name.startsWith('conv') ? 16 : 8), sparse: true };
  };
  const mixed = (name: string, values: Float32Array): EncodingHint | null => {
    if (name === 'conv1/kernel') return { bits: 8, perChannel: true }; // u8 affine, but 500 weights: float32 panels, direct conv
    if (name === 'conv2/kernel') return { codebook: linearCodebook(values, 256), sparse: false }; // 8-bit codebook panels
    if (name === 'fc1/kernel') return { codebook: linearCodebook(pruneInPlace(values, 0.5), 2), sparse: true }; // 1-bit codebook, dense panels
    if (name === 'fc2/kernel') return { codebook: linearCodebook(pruneInPlace(values, 0.2), 4), sparse: true }; // sparse
    return null;
  };
  const cases = [
    ['lenet300 default-recipe shape', lenet300, recipe, 4],
    ['lenet5 default-recipe shape', lenet5, recipe, 4],
    ['lenet5 int8 / 8-bit / 1-bit codebook / sparse layers', lenet5, mixed, 3],
  ] as const;
  for (const [name, build, hints, batch] of cases) {
    it(name, async () => {
      const { bytes, input, expected } = await compressedCase(build, batch, 5, hints);
      for (const engine of ENGINES) {
        const net = await loadRuntimeModel(bytes, { engine });
        expect(maxRelativeError(net.predict(input, batch), expected)).toBeLessThan(1e-4);
        const kernels = net.describe().layers.map((l) => l.kernel);
        if (hints === mixed) expect(kernels).toEqual(['gemm f32 4x8 (direct)', 'gemm codebook u8 (im2col)', 'gemm codebook u4', 'spmm csc']);
        else expect(kernels.every((k) => k.startsWith('spmm'))).toBe(true);
        // Resident weights of a codebook model: at most a quarter of float32.
        const { weightBytes, float32WeightBytes } = net.describe();
        expect(weightBytes).toBeLessThanOrEqual(float32WeightBytes / 4);
        net.dispose();
      }
    });
  }
});

describe('runtime vs TF.js cpu, smallnets transforms', () => {
  const cases = [
    ['separable lenet5', () => separable(lenet5())],
    ['factorized lenet5', () => factorize(lenet5())],
    ['width 0.5 lenet5', () => widthMultiplier(lenet5(), 0.5)],
  ] as const;
  for (const [name, build] of cases) {
    it(name, async () => {
      const { bytes, input, expected } = await referenceCase(build, 2, 9);
      for (const engine of ENGINES) {
        const net = await loadRuntimeModel(bytes, { engine });
        expect(maxRelativeError(net.predict(input, 2), expected)).toBeLessThan(1e-4);
        net.dispose();
      }
    });
  }
});

describe('threads', () => {
  it('batch 64 of an MLP on 2 threads equals one thread (32-sample chunks), twice in a row', async () => {
    const { bytes, input, expected } = await referenceCase(() => lenet300(), 64, 6);
    const one = await loadRuntimeModel(bytes, { engine: 'wasm' });
    const two = await loadRuntimeModel(bytes, { engine: 'wasm', threads: 2 });
    expect(splitsBatch(two.plan, 64)).toBe(true); // the dense MLP has enough work to split
    const y = one.predict(input, 64);
    expect(maxRelativeError(y, expected)).toBeLessThan(1e-4);
    for (let run = 0; run < 2; run++) expect(two.predict(input, 64)).toEqual(y);
    one.dispose();
    two.dispose();
  });

  it('only batches with enough modelled work are split: the 8%-dense LeNet-300-100 stays on the caller at 64, LeNet-5 splits at 16', async () => {
    const sparse = (name: string, values: Float32Array): EncodingHint | null => {
      if (!name.endsWith('kernel')) return null;
      pruneInPlace(values, 0.08);
      return { sparse: true };
    };
    const mlp = await loadRuntimeModel((await compressedCase(lenet300, 1, 7, sparse)).bytes);
    const conv = await loadRuntimeModel((await compressedCase(lenet5, 1, 7, sparse)).bytes);
    // ~2 µs per sample of sparse products (KERNEL_COST): 64 samples are ~0.14 ms, less than one worker wake-up pays for.
    expect(splitsBatch(mlp.plan, 64)).toBe(false);
    expect(splitsBatch(mlp.plan, 256)).toBe(true);
    expect(splitsBatch(conv.plan, 16)).toBe(true);
    expect(splitsBatch(conv.plan, 8)).toBe(false);
    mlp.dispose();
    conv.dispose();
  });

  it('batch 33 on 2 threads equals batch 33 on one (and batch 3 stays on the caller)', async () => {
    const { bytes, input, expected } = await referenceCase(() => lenet5(), 33, 4);
    const one = await loadRuntimeModel(bytes, { engine: 'wasm' });
    const two = await loadRuntimeModel(bytes, { engine: 'wasm', threads: 2 });
    expect(two.describe().threads).toBe(2);
    expect(splitsBatch(two.plan, 33)).toBe(true);
    const y = two.predict(input, 33);
    // Chunks of 17 and 16 rows tile differently from 33 rows, so sums may round differently.
    expect(maxRelativeError(y, one.predict(input, 33))).toBeLessThan(1e-6);
    expect(maxRelativeError(y, expected)).toBeLessThan(1e-4);
    expect(maxRelativeError(two.predict(input.subarray(0, 3 * 784), 3), y.subarray(0, 30))).toBeLessThan(1e-6);
    one.dispose();
    two.dispose();
  });
});

describe('quantizeActivations (integer dot products)', () => {
  it('mobilenet_v1 0.25/128 with 8-bit symmetric weights: int8 kernels on the few-row layers, output within 2e-3 of float', async () => {
    const bits8 = (name: string, values: Float32Array, shape: readonly number[]): EncodingHint | null =>
      name.endsWith('/kernel') ? symmetricInt8Hint(values, shape) : null;
    const build = () => mobilenetV1({ alpha: 0.25, inputSize: 128, classes: 16, classifierActivation: 'linear' });
    const { bytes, input, expected } = await compressedCase(build, 1, 2, bits8);
    const exact = await loadRuntimeModel(bytes);
    const int8 = await loadRuntimeModel(bytes, { quantizeActivations: true });
    const kernels = int8.describe().layers.map((l) => l.kernel);
    // Layers with ≤ 16 rows per sample (the last two 1×1 convolutions, 4×4 pixels, and the classifier) run int8
    // dot products; the others keep exact u8 panels (I8_MAX_ROWS), or float32 panels when tiny (TINY_WEIGHTS).
    const rows = int8.describe().layers.filter((l) => /^gemm/.test(l.kernel)).map((l) => ({ kernel: l.kernel, name: l.name }));
    expect(rows.filter((l) => l.kernel.startsWith('gemm int8 dot')).map((l) => l.name)).toEqual(['conv_pw_12', 'conv_pw_13', 'conv_preds']);
    // Of the rest, matrices of at most TINY_WEIGHTS (4096) elements are float32 panels, the others u8 panels.
    const f32 = int8.describe().layers.filter((l) => l.kernel.startsWith('gemm f32')).map((l) => l.name);
    expect(f32).toEqual(['conv1', 'conv_pw_1', 'conv_pw_2', 'conv_pw_3', 'conv_pw_4', 'conv_pw_5']);
    expect(kernels.filter((k) => k.startsWith('gemm u8 affine')).length).toBe(6);
    expect(maxRelativeError(exact.predict(input, 1), expected)).toBeLessThan(1e-4);
    expect(maxRelativeError(int8.predict(input, 1), expected)).toBeLessThan(2e-3);
    exact.dispose();
    int8.dispose();
  });
});
