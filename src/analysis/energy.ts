/**
 * Energy per operation at 45 nm (Horowitz, ISSCC 2014; the table EIE and Deep Compression use) and
 * the scaling rules for other bit widths. docs/energy.md states the model and its assumptions.
 */
import { usageCheck } from '../errors.js';
import type { Arithmetic } from './storage.js';

/** Energy of 32-bit operations, in picojoules. */
export interface EnergyTable {
  intAdd: number;
  floatAdd: number;
  registerFile: number;
  intMult: number;
  floatMult: number;
  sramRead: number;
  dramRead: number;
}

/** Horowitz 2014, 45 nm, 32-bit operands (pJ). */
export const HOROWITZ_45NM: Readonly<EnergyTable> = Object.freeze({
  intAdd: 0.1,
  floatAdd: 0.9,
  registerFile: 1,
  intMult: 3.1,
  floatMult: 3.7,
  sramRead: 5,
  dramRead: 640,
});

/**
 * Default on-chip weight budget: 512 KiB. It is the size class of the SRAM that small accelerators
 * and per-core L2 caches offer, and the line the SqueezeNet paper draws ("< 0.5 MB" models fit
 * on chip): Deep-Compressed LeNets and SqueezeNet fit, their fp32 originals do not.
 */
export const DEFAULT_SRAM_BYTES = 512 * 1024;

export type WeightMemory = 'sram' | 'dram';

/**
 * Energy of one multiply-add at a precision (pJ).
 * - float b: multiplier ∝ b² (mantissa array), adder ∝ b: 3.7·(b/32)² + 0.9·(b/32).
 * - int b: b×b-bit multiply 3.1·(b/32)² (array multiplier area ∝ b²), accumulated in a 32-bit
 *   integer adder (0.1), as integer inference accumulates in int32.
 * Check against Horowitz's own narrower numbers: 8-bit int mult 0.2 (we give 0.19), 16-bit fp
 * mult 1.1 (0.93), 16-bit fp add 0.4 (0.45).
 *
 * @example
 * macEnergyPj({ type: 'float', bits: 32 }); // 4.6
 * macEnergyPj({ type: 'int', bits: 8 });    // 3.1/16 + 0.1 = 0.29375
 */
export function macEnergyPj(arithmetic: Arithmetic, table: EnergyTable = HOROWITZ_45NM): number {
  const r = arithmetic.bits / 32;
  if (arithmetic.type === 'float') return table.floatMult * r * r + table.floatAdd * r;
  return table.intMult * r * r + table.intAdd;
}

/**
 * Energy of reading `bits` of weights from a memory (pJ): the table's 32-bit access scaled per bit,
 * since memories are read in wide rows and packed low-bit weights share them.
 *
 * @example
 * readEnergyPj(64, 'dram'); // 1280
 */
export function readEnergyPj(bits: number, memory: WeightMemory, table: EnergyTable = HOROWITZ_45NM): number {
  return (bits / 32) * (memory === 'sram' ? table.sramRead : table.dramRead);
}

/** Where the weights live: on-chip SRAM if the whole encoded model fits the budget, else DRAM. */
export function weightMemory(totalBytes: number, sramBytes: number = DEFAULT_SRAM_BYTES): WeightMemory {
  usageCheck(Number.isFinite(sramBytes) && sramBytes >= 0, () => `SRAM budget must be >= 0 bytes, got ${sramBytes}`);
  return totalBytes <= sramBytes ? 'sram' : 'dram';
}

/** picojoules → microjoules. */
export function pjToMicrojoules(pj: number): number {
  return pj / 1e6;
}
