/**
 * Pruning schedules: when masks are recomputed and at which sparsity (tfmot `pruning_schedule.py`
 * semantics). Small validated serializable objects: the constructor rejects a bad value with a
 * one-line UsageError, `getConfig()`/`fromConfig()` round-trip, and each class is registered with
 * tfjs-core's serialization registry next to its definition.
 *
 * Steps count optimizer steps already taken: the first batch of training is step 0 (tfmot's
 * `pruning_step`).
 */
import * as tf from '@tensorflow/tfjs-core';
import { UsageError, usageCheck } from '../errors.js';
import { fromJson, registerSerializable } from '../graph/serializable.js';

/** The serialized form of a schedule: `{ className, config }` (what `toJSON()` returns). */
export interface ScheduleJson {
  className: string;
  config: Record<string, number>;
}

function checkSparsity(name: string, value: number): void {
  usageCheck(Number.isFinite(value) && value >= 0 && value < 1, () => `${name} must be in [0, 1), got ${value}`);
}

function checkSteps(beginStep: number, endStep: number, frequency: number, allowForever: boolean): void {
  usageCheck(Number.isInteger(beginStep) && beginStep >= 0, () => `beginStep must be a non-negative integer, got ${beginStep}`);
  if (allowForever && endStep === -1) {
    // -1: keep pruning until training ends (tfmot ConstantSparsity's default).
  } else {
    usageCheck(Number.isInteger(endStep) && endStep >= 0, () => `endStep must be a non-negative integer${allowForever ? ' or -1' : ''}, got ${endStep}`);
    usageCheck(endStep >= beginStep, () => `beginStep (${beginStep}) must not be after endStep (${endStep})`);
  }
  usageCheck(Number.isInteger(frequency) && frequency >= 1, () => `frequency must be a positive integer, got ${frequency}`);
}

/** Decides at which steps masks are recomputed and the sparsity they are recomputed at. */
export abstract class PruningSchedule extends tf.serialization.Serializable {
  constructor(
    readonly beginStep: number,
    readonly endStep: number,
    readonly frequency: number,
  ) {
    super();
  }

  /** True when masks should be recomputed at `step`: inside [beginStep, endStep] and on a `frequency` tick. */
  shouldPrune(step: number): boolean {
    const inRange = step >= this.beginStep && (this.endStep < 0 || step <= this.endStep);
    return inRange && (step - this.beginStep) % this.frequency === 0;
  }

  /** The target sparsity at `step` (meaningful whenever `shouldPrune(step)`). */
  abstract sparsityAt(step: number): number;

  /** The sparsity the schedule ends at. */
  abstract readonly finalSparsity: number;

  abstract override getConfig(): Record<string, number>;

  override getClassName(): string {
    return (this.constructor as unknown as { className: string }).className;
  }

  toJSON(): ScheduleJson {
    return { className: this.getClassName(), config: this.getConfig() };
  }
}

/** Constant sparsity inside [beginStep, endStep] (endStep -1: until training ends). */
export class ConstantSparsity extends PruningSchedule {
  static readonly className = 'SmallnetsConstantSparsity';

  constructor(
    readonly targetSparsity: number,
    beginStep = 0,
    endStep = -1,
    frequency = 100,
  ) {
    super(beginStep, endStep, frequency);
    checkSteps(beginStep, endStep, frequency, true);
    checkSparsity('targetSparsity', targetSparsity);
  }

  sparsityAt(_step: number): number {
    return this.targetSparsity;
  }

  get finalSparsity(): number {
    return this.targetSparsity;
  }

  getConfig(): Record<string, number> {
    return { targetSparsity: this.targetSparsity, beginStep: this.beginStep, endStep: this.endStep, frequency: this.frequency };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const c = numbers(config, ['targetSparsity', 'beginStep', 'endStep', 'frequency']);
    return new ConstantSparsity(c.targetSparsity!, c.beginStep, c.endStep, c.frequency) as unknown as T;
  }
}
registerSerializable(ConstantSparsity);

/**
 * s(t) = s_f + (s_i − s_f)·(1 − p)^power with p = clamp((t − begin)/(end − begin), 0, 1): sparsity
 * rises fast at first and levels off at `finalSparsity` (Zhu & Gupta 2017, as in tfmot).
 */
export class PolynomialDecay extends PruningSchedule {
  static readonly className = 'SmallnetsPolynomialDecay';

  constructor(
    readonly initialSparsity: number,
    readonly finalSparsity: number,
    beginStep: number,
    endStep: number,
    readonly power = 3,
    frequency = 100,
  ) {
    super(beginStep, endStep, frequency);
    checkSteps(beginStep, endStep, frequency, false);
    // tfmot divides by (end − begin) and would produce NaN for an empty range.
    usageCheck(endStep > beginStep, () => `endStep (${endStep}) must be after beginStep (${beginStep}) for a polynomial schedule`);
    checkSparsity('initialSparsity', initialSparsity);
    checkSparsity('finalSparsity', finalSparsity);
    usageCheck(Number.isFinite(power) && power > 0, () => `power must be a positive number, got ${power}`);
  }

  sparsityAt(step: number): number {
    const p = Math.min(1, Math.max(0, (step - this.beginStep) / (this.endStep - this.beginStep)));
    return this.finalSparsity + (this.initialSparsity - this.finalSparsity) * (1 - p) ** this.power;
  }

  getConfig(): Record<string, number> {
    return {
      initialSparsity: this.initialSparsity,
      finalSparsity: this.finalSparsity,
      beginStep: this.beginStep,
      endStep: this.endStep,
      power: this.power,
      frequency: this.frequency,
    };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const c = numbers(config, ['initialSparsity', 'finalSparsity', 'beginStep', 'endStep', 'power', 'frequency']);
    return new PolynomialDecay(c.initialSparsity!, c.finalSparsity!, c.beginStep!, c.endStep!, c.power, c.frequency) as unknown as T;
  }
}
registerSerializable(PolynomialDecay);

/** Read numeric fields of a config; missing ones stay undefined (constructor defaults apply). */
function numbers(config: tf.serialization.ConfigDict, keys: string[]): Record<string, number | undefined> {
  const out: Record<string, number | undefined> = {};
  for (const key of keys) {
    const value = config[key];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'number') throw new UsageError(`schedule config field ${key} must be a number, got ${JSON.stringify(value)}`);
    out[key] = value;
  }
  return out;
}

/** Rebuild a schedule from `schedule.toJSON()` (also after JSON.stringify/parse). */
export function scheduleFromJson(json: ScheduleJson): PruningSchedule {
  return fromJson(json, PruningSchedule);
}

/**
 * Constant sparsity from `beginStep` to `endStep` (-1: forever), masks recomputed every `frequency` steps.
 *
 * @example
 * const schedule = constant(0.5, 0, -1, 100);
 * schedule.shouldPrune(200); // true
 */
export function constant(sparsity: number, beginStep = 0, endStep = -1, frequency = 100): ConstantSparsity {
  return new ConstantSparsity(sparsity, beginStep, endStep, frequency);
}

/**
 * Polynomial decay from `initial` to `final` sparsity between `beginStep` and `endStep`.
 *
 * @example
 * const schedule = polynomialDecay(0, 0.9, 0, 1000, 3, 50);
 * schedule.sparsityAt(500); // 0.9 − 0.9·0.5³ = 0.7875
 */
export function polynomialDecay(initial: number, final: number, beginStep: number, endStep: number, power = 3, frequency = 100): PolynomialDecay {
  return new PolynomialDecay(initial, final, beginStep, endStep, power, frequency);
}
