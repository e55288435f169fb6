import { describe, expect, it } from 'vitest';
import { DEFAULT_SRAM_BYTES, HOROWITZ_45NM, macEnergyPj, pjToMicrojoules, readEnergyPj, weightMemory } from './energy.js';

describe('energy per operation (45 nm)', () => {
  it('holds the Horowitz/EIE table', () => {
    expect(HOROWITZ_45NM).toEqual({ intAdd: 0.1, floatAdd: 0.9, registerFile: 1, intMult: 3.1, floatMult: 3.7, sramRead: 5, dramRead: 640 });
  });

  it('fp32 MAC = float mult + float add = 4.6 pJ', () => {
    expect(macEnergyPj({ type: 'float', bits: 32 })).toBeCloseTo(4.6, 12);
  });

  it('fp16 MAC scales the multiplier by (1/2)² and the adder by 1/2', () => {
    expect(macEnergyPj({ type: 'float', bits: 16 })).toBeCloseTo(3.7 / 4 + 0.9 / 2, 12);
  });

  it('int8 MAC = 3.1·(8/32)² multiply + 0.1 int32 accumulate', () => {
    expect(macEnergyPj({ type: 'int', bits: 8 })).toBeCloseTo(0.29375, 12);
    expect(macEnergyPj({ type: 'int', bits: 32 })).toBeCloseTo(3.2, 12);
  });

  it('reads cost the 32-bit access per 32 bits: SRAM 5 pJ, DRAM 640 pJ', () => {
    expect(readEnergyPj(32, 'sram')).toBe(5);
    expect(readEnergyPj(64, 'dram')).toBe(1280);
    expect(readEnergyPj(8, 'dram')).toBe(160);
  });

  it('weights live in SRAM up to and including the budget, DRAM beyond', () => {
    expect(DEFAULT_SRAM_BYTES).toBe(524_288);
    expect(weightMemory(524_288)).toBe('sram');
    expect(weightMemory(524_289)).toBe('dram');
    expect(weightMemory(100, 99)).toBe('dram');
    expect(() => weightMemory(1, -1)).toThrow('SRAM budget must be >= 0 bytes, got -1');
  });

  it('converts pJ to µJ', () => {
    expect(pjToMicrojoules(2_500_000)).toBe(2.5);
  });
});
