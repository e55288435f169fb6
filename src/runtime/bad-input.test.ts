/** The runtime's answers to bad input: wrong lengths, NaN/Inf, hostile files, unsupported layers, memory over many calls. */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeSnn, type JsonObject, type SnnModel } from '../format/index.js';
import { lenet300 } from '../models/lenet.js';
import { encodeModel } from '../models/snn-model.js';
import { RuntimeError, UsageError } from '../errors.js';
import { loadRuntimeModel } from './index.js';

let lenet: Uint8Array;
let snn: SnnModel;

beforeAll(async () => {
  await tf.setBackend('cpu');
  const encoded = await encodeModel(lenet300());
  lenet = encoded.bytes;
  snn = encoded.snn;
});

/** The LeNet-300-100 file with its topology JSON edited by `edit`. */
function withTopology(edit: (topology: JsonObject) => void): Uint8Array {
  const topology = structuredClone(snn.topology!) as JsonObject;
  edit(topology);
  return encodeSnn({ ...snn, topology });
}

const layersOf = (t: JsonObject) => (t['config'] as JsonObject)['layers'] as JsonObject[];

describe('bad input to predict', () => {
  it('a wrong input length or batch is a UsageError naming both sizes', async () => {
    const net = await loadRuntimeModel(lenet);
    expect(() => net.predict(new Float32Array(783), 1)).toThrow(UsageError);
    expect(() => net.predict(new Float32Array(784), 2)).toThrow(/1568/);
    expect(() => net.predict(new Float32Array(784), 0)).toThrow(/batch/);
    net.dispose();
    expect(() => net.predict(new Float32Array(784), 1)).toThrow(/disposed/);
  });

  for (const engine of ['wasm', 'js'] as const) {
    it(`${engine}: NaN and Infinity inputs propagate to the output without an exception`, async () => {
      const net = await loadRuntimeModel(lenet, { engine });
      const x = new Float32Array(784 * 2).fill(0.5);
      x[3] = NaN;
      x[784 + 5] = Infinity;
      const y = net.predict(x, 2);
      expect(y.length).toBe(20);
      expect(Number.isNaN(y[0]!)).toBe(true);
      expect(y.slice(10).some((v) => Number.isNaN(v) || !Number.isFinite(v) || v === 0)).toBe(true);
      net.dispose();
    });
  }

  it('an infinite depthwise weight gives the same outputs on wasm (small padded map) as on the JS fallback', async () => {
    // 4×4 'same': the wasm kernel would run it on a zero-padded copy, where 0·∞ = NaN at every border output.
    const model = tfl.sequential({ layers: [tfl.layers.depthwiseConv2d({ inputShape: [4, 4, 4], kernelSize: 3, padding: 'same', useBias: false })] });
    const kernel = new Float32Array(3 * 3 * 4).fill(0.25);
    kernel[0] = Infinity; // top-left tap of channel 0
    model.setWeights([tf.tensor(kernel, [3, 3, 4, 1])]);
    const bytes = (await encodeModel(model)).bytes;
    const x = Float32Array.from({ length: 64 }, (_, i) => (i % 7) / 7);
    const [wasm, js] = await Promise.all([loadRuntimeModel(bytes, { engine: 'wasm' }), loadRuntimeModel(bytes, { engine: 'js' })]);
    const a = wasm.predict(x, 1);
    const b = js.predict(x, 1);
    expect(Array.from(a, Number.isNaN)).toEqual(Array.from(b, Number.isNaN));
    expect(a.filter(Number.isNaN).length).toBeLessThan(16);
    wasm.dispose();
    js.dispose();
  });
});

describe('hostile or unsupported files fail before large allocations', () => {
  it('a corrupted byte is a checksum error', async () => {
    const bad = lenet.slice();
    bad[bad.length >> 1]! ^= 0xff;
    await expect(loadRuntimeModel(bad)).rejects.toThrow(/checksum/);
  });

  it('a truncated file is refused', async () => {
    await expect(loadRuntimeModel(lenet.subarray(0, 100))).rejects.toThrow(/truncated|length/);
  });

  it('an absurd input shape is refused by the planner, naming the layer', async () => {
    const bytes = withTopology((t) => {
      (layersOf(t)[0]!['config'] as JsonObject)['batch_input_shape'] = [null, 100000, 100000, 1];
    });
    await expect(loadRuntimeModel(bytes)).rejects.toThrow(/'flatten_input'.*10000000000 values per sample, more than the runtime's limit/);
  });

  it('a kernel shape that disagrees with the file is refused', async () => {
    const bytes = withTopology((t) => {
      (layersOf(t)[1]!['config'] as JsonObject)['units'] = 301;
    });
    await expect(loadRuntimeModel(bytes)).rejects.toThrow(/fc1\/kernel.*\[784, 300\], expected \[784, 301\]/);
  });

  it('an unsupported layer is a clear error naming the layer and its class', async () => {
    const bytes = withTopology((t) => {
      layersOf(t)[1]!['class_name'] = 'LSTM';
    });
    const error = await loadRuntimeModel(bytes).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RuntimeError);
    expect(String(error)).toMatch(/layer 'fc1': LSTM is not supported by the smallnets runtime/);
  });

  it('a huge kernel size or a cycle in a functional graph is refused', async () => {
    const model = tfl.sequential({ layers: [tfl.layers.conv2d({ inputShape: [8, 8, 1], filters: 2, kernelSize: 3, name: 'c' })] });
    const { snn: conv } = await encodeModel(model);
    const layers = layersOf(conv.topology!);
    (layers[0]!['config'] as JsonObject)['kernel_size'] = [2 ** 31, 3];
    await expect(loadRuntimeModel(encodeSnn(conv))).rejects.toThrow(/kernel_size/);
    const functional: JsonObject = {
      class_name: 'Model',
      config: {
        name: 'loop',
        input_layers: [['in', 0, 0]],
        output_layers: [['b', 0, 0]],
        layers: [
          { name: 'in', class_name: 'InputLayer', config: { batch_input_shape: [null, 4] }, inbound_nodes: [] },
          { name: 'a', class_name: 'Activation', config: { activation: 'relu' }, inbound_nodes: [[['b', 0, 0, {}]]] },
          { name: 'b', class_name: 'Activation', config: { activation: 'relu' }, inbound_nodes: [[['a', 0, 0, {}]]] },
        ],
      },
    };
    await expect(loadRuntimeModel(encodeSnn({ topology: functional, metadata: null, tensors: [] }))).rejects.toThrow(/cycle/);
  });
});

describe('memory', () => {
  it('10,000 predictions keep the JS heap and the wasm memory flat', async () => {
    const net = await loadRuntimeModel(lenet, { engine: 'wasm' });
    const x = new Float32Array(784).fill(0.25);
    for (let i = 0; i < 200; i++) net.predict(x, 1);
    const memoryBefore = net.describe().memoryBytes;
    globalThis.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    let checksum = 0;
    for (let i = 0; i < 10_000; i++) checksum += net.predict(x, 1)[0]!;
    globalThis.gc?.();
    const heapAfter = process.memoryUsage().heapUsed;
    expect(Number.isFinite(checksum)).toBe(true);
    expect(net.describe().memoryBytes).toBe(memoryBefore);
    // Each call returns one 40-byte Float32Array; without a forced gc some may still be uncollected.
    expect(heapAfter - heapBefore).toBeLessThan(4 << 20);
    net.dispose();
  });
});
