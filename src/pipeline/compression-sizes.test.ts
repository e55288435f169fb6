import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../engine/backend.js';
import { lenet300 } from '../models/lenet.js';
import { compress, DEFAULT_RECIPE } from './compress.js';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('compressionSizes (through compress)', () => {
  it('data-free default recipe on LeNet-300-100: fp32 bytes, every stage smaller than the one before, the file last', async () => {
    const model = lenet300(1);
    const { sizes, bytes } = await compress(model, DEFAULT_RECIPE, null);
    expect(sizes.bytesOriginal).toBe(266_610 * 4);
    expect(sizes.bytesCompressed).toBe(bytes.byteLength);
    expect(sizes.ratio).toBeCloseTo(sizes.bytesOriginal / bytes.byteLength, 2);
    const stages = sizes.stages.map((s) => s.bytes);
    expect(stages[0]).toBeGreaterThan(stages[1]!);
    expect(stages[1]).toBeGreaterThan(stages[2]!);
    expect(stages[2]).toBeGreaterThanOrEqual(stages[3]!);
    expect(sizes.layers.map((l) => l.name)).toEqual(['fc1/kernel', 'fc1/bias', 'fc2/kernel', 'fc2/bias', 'fc3/kernel', 'fc3/bias']);
    const fc1 = sizes.layers[0]!;
    expect(fc1.params).toBe(784 * 300);
    expect(fc1.nonzero).toBeLessThan(fc1.params * 0.1);
    expect(fc1.bytesGzipFp32).toBeGreaterThan(fc1.bytesHuffman);
    expect(sizes.bytesGzipFp32).toBe(sizes.layers.reduce((s, l) => s + l.bytesGzipFp32!, 0));
  });
});
