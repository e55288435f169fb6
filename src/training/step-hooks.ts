/**
 * Step hooks a model carries with it. A technique that must act around every optimizer step
 * (pruning recomputes masks before a step and re-applies them after it) attaches its hooks to the
 * model it returns, and `trainModel` runs them for that model — so `trainModel(pruned, …)` keeps
 * the masks right without the caller wiring a callback (tfmot needs UpdatePruningStep for this).
 */
import type * as tfl from '@tensorflow/tfjs-layers';

export interface StepHooks {
  /** Before every optimizer step, with the 1-based global step of the run. */
  beforeStep?: (step: number) => void;
  /** After every optimizer step. */
  afterStep?: (step: number) => void;
}

const attached = new WeakMap<tfl.LayersModel, StepHooks>();

/** Attach `hooks` to `model` (replacing any attached before). */
export function attachStepHooks(model: tfl.LayersModel, hooks: StepHooks): void {
  attached.set(model, hooks);
}

/** The hooks attached to `model`, if any. */
export function stepHooksOf(model: tfl.LayersModel): StepHooks | undefined {
  return attached.get(model);
}

/** Run `first` then `second` (either may be absent). */
export function chainHooks(first: ((step: number) => void) | undefined, second: ((step: number) => void) | undefined): ((step: number) => void) | undefined {
  if (!first) return second;
  if (!second) return first;
  return (step) => {
    first(step);
    second(step);
  };
}
