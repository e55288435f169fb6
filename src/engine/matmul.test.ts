import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from './backend.js';
import { onBothBackends, maxRelativeError } from './backends.test-util.js';

describe('BatchMatMul with transposes on wasm matches the cpu backend', () => {
  beforeAll(() => initBackend('wasm'));
  const cases: Array<{ a: number[]; b: number[]; ta: boolean; tb: boolean }> = [
    { a: [7, 5], b: [7, 3], ta: true, tb: false },
    { a: [7, 5], b: [3, 5], ta: false, tb: true },
    { a: [5, 7], b: [3, 5], ta: true, tb: true },
    { a: [2, 7, 5], b: [2, 7, 3], ta: true, tb: false },
    { a: [2, 4, 6, 5], b: [2, 4, 3, 5], ta: false, tb: true },
    { a: [64, 800], b: [64, 500], ta: true, tb: false },
  ];
  for (const c of cases) {
    it(`a=[${c.a}] b=[${c.b}] transposeA=${c.ta} transposeB=${c.tb}`, async () => {
      const { wasm, cpu } = await onBothBackends([c.a, c.b], (a, b) => [tf.matMul(a!, b!, c.ta, c.tb)]);
      expect(maxRelativeError(wasm[0]!, cpu[0]!)).toBeLessThan(1e-4);
    });
  }
});
