/** What the bench scripts share about their command line. */
import v8 from 'node:v8';
import { relaxedSimdSupported } from '../src/runtime/wasm-module.js';

/** The value after `name` in `args`, or undefined. */
export function flagValue(args: readonly string[], name: string): string | undefined {
  return args.includes(name) ? args[args.indexOf(name) + 1] : undefined;
}

/**
 * Turns relaxed SIMD on for this process unless `--no-relaxed-simd` is in `args`, and says whether it is wanted.
 * Node 20's V8 (11.3) has it behind a flag that must be set before any wasm is compiled; Node ≥ 22 and Chrome ≥ 114
 * have it on, and the runtime's relaxed build (fused multiply-adds) is what they run.
 */
export function useRelaxedSimd(args: readonly string[]): boolean {
  const wanted = !args.includes('--no-relaxed-simd');
  if (wanted && !relaxedSimdSupported()) v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  return wanted;
}
