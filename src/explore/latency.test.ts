import { beforeAll, describe, expect, it } from 'vitest';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../engine/backend.js';
import { lenet300 } from '../models/lenet.js';
import { encodeModel } from '../models/snn-model.js';
import { measureLatency } from './latency.js';

describe('trial latency', () => {
  beforeAll(() => initBackend('wasm'));

  it('a .snn the runtime plans is timed on the runtime; one with a layer it lacks on TF.js wasm', async () => {
    const runs = { runs: 3, warmup: 1 };
    const lenet = await encodeModel(lenet300(1), {});
    const onRuntime = await measureLatency(lenet.bytes, runs);
    expect(onRuntime.latencyEngine).toBe('runtime');
    expect(onRuntime.latencyMs).toBeGreaterThan(0);

    // The runtime has no sigmoid (linear, relu, relu6, softmax only).
    const sigmoid = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [8], units: 4, activation: 'sigmoid', name: 'fc' })] });
    const fallback = await measureLatency((await encodeModel(sigmoid, {})).bytes, runs);
    expect(fallback.latencyEngine).toBe('tfjs-wasm');
    expect(fallback.latencyMs).toBeGreaterThan(0);
  });
});
