import { describe, expect, it } from 'vitest';
import { flagFor, messageWithFlags } from './flag-names.js';

describe('flag names', () => {
  it('kebab-cases an option name, with the table for renamed flags', () => {
    expect(flagFor('epochs')).toBe('--epochs');
    expect(flagFor('batchSize')).toBe('--batch-size');
    expect(flagFor('learningRate')).toBe('--lr');
    expect(flagFor('maxShift')).toBe('--shift');
  });

  it('rewrites every backticked option name of a library message', () => {
    expect(messageWithFlags('`out` a.snn exists (pass `force` to replace it)')).toBe('--out a.snn exists (pass --force to replace it)');
    expect(messageWithFlags('`batchSize` must be a positive integer, got 0')).toBe('--batch-size must be a positive integer, got 0');
    expect(messageWithFlags('no names here: 3 `` marks')).toBe('no names here: 3 `` marks');
  });
});
