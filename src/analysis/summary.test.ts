import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import type { ModelDescription } from './description.js';
import { FLOAT32, deepCompression, integerInference, type StorageSpec } from './storage.js';
import { kernelDensity, layerBits, summarizeDescription } from './summary.js';

/**
 * conv: 3×3×1×4 kernel + 4 biases → 8×8×4 output: 36·64 = 2,304 MACs, 40 params.
 * relu: nothing. fc: 256×10 kernel (256 nonzero = 10% when `pruned`) + 10 biases: 2,560 MACs.
 */
function tinyModel(pruned = false): ModelDescription {
  return {
    name: 'tiny',
    layers: [
      {
        name: 'conv', className: 'Conv2D', outputShape: [null, 8, 8, 4], params: 40, macs: 2304,
        weights: [
          { name: 'conv/kernel', shape: [3, 3, 1, 4], size: 36, role: 'kernel', nonzero: 36 },
          { name: 'conv/bias', shape: [4], size: 4, role: 'aux' },
        ],
      },
      { name: 'relu', className: 'ReLU', outputShape: [null, 8, 8, 4], params: 0, macs: 0, weights: [] },
      {
        name: 'fc', className: 'Dense', outputShape: [null, 10], params: 2570, macs: 2560,
        weights: [
          { name: 'fc/kernel', shape: [256, 10], size: 2560, role: 'kernel', nonzero: pruned ? 256 : 2560 },
          { name: 'fc/bias', shape: [10], size: 10, role: 'aux' },
        ],
      },
    ],
  };
}

describe('summarizeDescription (hand-computed tiny model)', () => {
  it('fp32 in SRAM when the 10,440 bytes fit the budget exactly', () => {
    const s = summarizeDescription(tinyModel(), { sramBytes: 10_440 });
    expect(s.params).toBe(2610);
    expect(s.macs).toBe(4864);
    expect(s.bytes).toBe(160 + 10_280);
    expect(s.weightMemory).toBe('sram');
    // conv: 40 words × 5 pJ + 2,304 MACs × 4.6 pJ; fc: 2,570 × 5 + 2,560 × 4.6.
    expect(s.layers[0]!.energyMicrojoules).toBeCloseTo(10_798.4e-6, 12);
    expect(s.layers[1]!.energyMicrojoules).toBe(0);
    expect(s.layers[2]!.energyMicrojoules).toBeCloseTo(24_626e-6, 12);
    expect(s.energyMicrojoules).toBeCloseTo(35_424.4e-6, 12);
  });

  it('one byte less of SRAM moves every weight read to DRAM (640 pJ per word)', () => {
    const s = summarizeDescription(tinyModel(), { sramBytes: 10_439 });
    expect(s.weightMemory).toBe('dram');
    expect(s.layers[0]!.energyMicrojoules).toBeCloseTo(36_198.4e-6, 12); // 40·640 + 2,304·4.6
    expect(s.layers[2]!.energyMicrojoules).toBeCloseTo(1_656_576e-6, 12); // 2,570·640 + 2,560·4.6
    expect(s.energyMicrojoules).toBeCloseTo(1.6927744, 10);
  });

  it('sparse weight-shared fc: stores nonzeros with gap indexes and skips zero MACs', () => {
    const dc = deepCompression({ clusters: 16, indexBits: 4 });
    const s = summarizeDescription(tinyModel(true), { storage: { default: FLOAT32, layers: { fc: dc } } });
    // 256 nonzeros × (1 + 0.2274… fillers) × (4 + 4) bits + 16·32 codebook + 10·32 biases = 3,345.8 bits.
    expect(s.layers[2]!.bytes).toBe(419);
    expect(s.bytes).toBe(160 + 419);
    expect(s.weightMemory).toBe('sram');
    // reads: 3,345.815/32 × 5 pJ; MACs: 2,560 × 10% × 4.6 pJ.
    expect(s.layers[2]!.energyMicrojoules).toBeCloseTo((3345.814993376514 / 32) * 5e-6 + 256 * 4.6e-6, 12);
    expect(s.energyMicrojoules).toBeCloseTo(0.0124987836, 9);
  });

  it('int8 inference: 8-bit kernels with scale/zero-point, int32 biases, int8 MACs', () => {
    const s = summarizeDescription(tinyModel(), { storage: integerInference(8) });
    expect(s.layers[0]!.bytes).toBe((36 * 8 + 64 + 4 * 32) / 8);
    expect(s.layers[2]!.bytes).toBe((2560 * 8 + 64 + 10 * 32) / 8);
    const conv = ((36 * 8 + 64 + 128) / 32) * 5 + 2304 * 0.29375;
    expect(s.layers[0]!.energyMicrojoules).toBeCloseTo(conv * 1e-6, 12);
  });

  it('exactBits (e.g. from an encoded file) replaces the estimate', () => {
    const exact: StorageSpec = { ...FLOAT32, exactBits: 1000 };
    const s = summarizeDescription(tinyModel(), { storage: { default: FLOAT32, layers: { fc: exact } } });
    expect(s.layers[2]!.bytes).toBe(125);
  });

  it('a density override beats the measured density', () => {
    const layer = tinyModel(true).layers[2]!;
    expect(kernelDensity(layer, FLOAT32)).toBeCloseTo(0.1, 12);
    expect(kernelDensity(layer, { ...FLOAT32, density: 0.5 })).toBe(0.5);
    expect(layerBits(layer, FLOAT32)).toBe(2570 * 32); // dense storage keeps the zeros
  });

  it('a plan naming a layer the model lacks is a UsageError', () => {
    expect(() => summarizeDescription(tinyModel(), { storage: { default: FLOAT32, layers: { fc9: FLOAT32 } } }))
      .toThrow(new UsageError("storage names layer 'fc9', which tiny does not have"));
  });
});
