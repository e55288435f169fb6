import { describe, expect, it } from 'vitest';
import { sparseWins } from './pack.js';

describe('sparseWins: dense vs sparse by modelled cost, not a fixed density', () => {
  const nnz = (k: number, n: number, density: number) => Math.round(k * n * density);
  it('MobileNet 1×1 convolutions: sparse at 10%, 25% and 40% density, dense at 70%', () => {
    for (const [rows, k, n] of [[64, 128, 128], [1024, 32, 32], [16, 256, 256]] as const) {
      expect(sparseWins(rows, k, n, nnz(k, n, 0.1))).toBe(true);
      expect(sparseWins(rows, k, n, nnz(k, n, 0.25))).toBe(true);
      expect(sparseWins(rows, k, n, nnz(k, n, 0.4))).toBe(true);
      expect(sparseWins(rows, k, n, nnz(k, n, 0.7))).toBe(false);
    }
  });
  it('a batch-1 Dense layer breaks even lower (a scalar gather per nonzero vs streaming the weights)', () => {
    expect(sparseWins(1, 800, 500, nnz(800, 500, 0.073))).toBe(true);
    expect(sparseWins(1, 800, 500, nnz(800, 500, 0.15))).toBe(true);
    expect(sparseWins(1, 800, 500, nnz(800, 500, 0.3))).toBe(false);
  });
  it('no stored weights is always sparse; fully dense never is', () => {
    expect(sparseWins(64, 128, 128, 0)).toBe(true);
    expect(sparseWins(1, 10, 10, 0)).toBe(true);
    expect(sparseWins(64, 128, 128, 128 * 128)).toBe(false);
    expect(sparseWins(1, 128, 128, 128 * 128)).toBe(false);
  });
});
