import { describe, expect, it } from 'vitest';
import { decodeSnn } from './reader.js';
import { fuzzSeeds, runFuzz } from './fuzz-harness.js';

describe('fuzzing the reader with mutated files (seeded)', () => {
  it('the seeds are valid files of a few hundred bytes', () => {
    const seeds = fuzzSeeds();
    expect(seeds.length).toBe(24);
    for (const s of seeds) {
      expect(decodeSnn(s).tensors.length).toBe(2);
      expect(s.length).toBeLessThan(600);
    }
  });

  it('10,000 mutated files each decode or throw a one-line SnnFormatError — nothing else, no hang', () => {
    const result = runFuzz(10_000, 0x5eed);
    expect(result.failures).toEqual([]);
    expect(result.decoded + result.rejected).toBe(10_000);
    // The mutations reach deep into the parser, not just the envelope checks.
    const messages = [...result.messages.keys()];
    expect(messages.some((m) => m.startsWith('checksum mismatch'))).toBe(true);
    expect(messages.some((m) => m.includes('Huffman table'))).toBe(true);
    expect(messages.some((m) => m.includes('gap stream'))).toBe(true);
    expect(messages.some((m) => m.includes('index stream'))).toBe(true);
    expect(messages.length).toBeGreaterThan(40);
    // A hang would blow the test timeout; this bounds the worst single decode on a busy 2-core box.
    expect(result.slowestMs).toBeLessThan(1000);
  });
});
