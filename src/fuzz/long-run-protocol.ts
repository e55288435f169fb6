/** Messages between a long fuzz run (./long-run.ts) and its worker thread (./worker.ts). */
import type { CrashReason } from './engine.js';

export interface WorkerRequest {
  target: string;
  /** A module exporting `fuzzTarget`, instead of the registry's target (tests of the watchdog). */
  module?: string;
  seed: number;
  start: number;
  cases: number;
  caseTimeoutMs: number;
  memoryBoundMb: number;
  deep: number;
  until: number;
  /** Float64 × 2: index of the case running, Date.now() when it started. */
  heartbeat: SharedArrayBuffer;
}

export type WorkerMessage =
  | { type: 'crash'; index: number; kind: string; reason: CrashReason; error: string }
  | { type: 'tally'; cases: number; accepted: number; refused: number; seconds: number }
  | {
      type: 'done';
      cases: number;
      accepted: number;
      refused: number;
      deepChecked: number;
      slowestMs: number;
      /** Time spent fuzzing (not starting the worker). */
      seconds: number;
      refusals: Array<[string, number]>;
    };
