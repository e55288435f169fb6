import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../engine/backend.js';
import { lenet5 } from '../models/lenet.js';
import { compareModels, comparisonRows, originOf } from './compare.js';
import { restructure, separableLayers } from './plan.js';
import { separable } from './separable.js';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('compareModels', () => {
  it('originOf attributes new layers to the longest original name they extend', () => {
    const originals = ['conv', 'conv_1', 'fc'];
    expect(originOf('conv_1_dw', originals)).toBe('conv_1');
    expect(originOf('conv_a', originals)).toBe('conv');
    expect(originOf('fc', originals)).toBe('fc');
    expect(originOf('head', originals)).toBeUndefined();
  });

  it('LeNet-5 made separable: per-layer params and MACs from the analysis', () => {
    const c = compareModels(lenet5(1), separable(lenet5(1)));
    expect(c.layers.map((l) => [l.layer, l.became.join('+')])).toEqual([
      ['conv1', 'conv1_dw+conv1_pw'], ['conv2', 'conv2_dw+conv2_pw'], ['fc1', 'fc1'], ['fc2', 'fc2'],
    ]);
    const conv2 = c.layers[1]!;
    expect([conv2.paramsBefore, conv2.paramsAfter]).toEqual([25_050, 25 * 20 + 20 * 50 + 50]);
    // conv2 output is 8×8: 5·5·20·50·64 MACs → depthwise 5·5·20·64 + pointwise 20·50·64.
    expect([conv2.macsBefore, conv2.macsAfter]).toEqual([1_600_000, 32_000 + 64_000]);
    expect([c.paramsBefore, c.macsBefore]).toEqual([431_080, 2_293_000]);
    expect(c.paramsAfter).toBe(431_080 - 520 - 25_050 + 65 + 1_550);
    const rows = comparisonRows(c);
    expect(rows.at(-1)).toEqual(['total', '', 431_080, 407_125, '-5.6%', 2_293_000, 526_920, '-77.0%']);
    expect(rows[1]![4]).toBe('-93.8%');
  });
});

describe('restructure (several transforms at once)', () => {
  it('factorize conv1, separate conv2, then thin by 0.5', () => {
    const m = restructure(lenet5(1), { factorize: ['conv1'], separable: ['conv2'], width: 0.5, seed: 3 });
    expect(m.layers.map((l) => l.name)).toEqual(['conv1_a', 'conv1_b', 'pool1', 'conv2_dw', 'conv2_pw', 'pool2', 'flatten', 'fc1', 'fc2']);
    expect(m.getLayer('conv1_b').getWeights()[0]!.shape).toEqual([3, 3, 1, 10]);
    expect(m.getLayer('conv2_pw').getWeights()[0]!.shape).toEqual([1, 1, 10, 25]);
    expect(m.outputs[0]!.shape).toEqual([null, 10]);
  });

  it('overlapping selections and empty plans are usage errors', () => {
    expect(() => restructure(lenet5(1), { factorize: 'all', separable: ['conv2'] })).toThrow(/layer conv2 selected for both separable and factorize/);
    expect(() => restructure(lenet5(1), {})).toThrow(/nothing to do/);
  });
});

describe('separableLayers', () => {
  it("'all' keeps a conv reading one channel a full conv, unless the depth multiplier is above 1; named layers are converted", () => {
    const model = lenet5(1);
    expect(separableLayers(model, { separable: 'all' })).toEqual({ convert: new Set(['conv2']), keptFull: ['conv1'] });
    expect(separableLayers(model, { separable: 'all', depthMultiplier: 2 })).toEqual({ convert: new Set(['conv1', 'conv2']), keptFull: [] });
    expect(separableLayers(model, { separable: ['conv1'] })).toEqual({ convert: new Set(['conv1']), keptFull: [] });
    expect(restructure(model, { separable: 'all' }).layers.map((l) => l.name)).toEqual(['conv1', 'pool1', 'conv2_dw', 'conv2_pw', 'pool2', 'flatten', 'fc1', 'fc2']);
  });
});
