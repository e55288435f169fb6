/**
 * What to prune and how: the schedule, the granularity (which groups of weights are zeroed
 * together), per-layer or global thresholds, and optionally which layers. Validated on
 * construction, serializable (`getConfig`/`fromConfig`), registered next to its definition.
 */
import * as tf from '@tensorflow/tfjs-core';
import { UsageError, usageCheck } from '../errors.js';
import { fromJson, registerSerializable } from '../graph/serializable.js';
import { PruningSchedule, scheduleFromJson, type ScheduleJson } from './schedule.js';

import { GRANULARITY_FORMS, formatGranularity, parseGranularity, type Granularity } from './granularity.js';

export { GRANULARITY_FORMS, formatGranularity, parseGranularity, type Granularity };

/** Re-validate a granularity given as an object (e.g. from user code) by round-tripping its spec. */
function normalizeGranularity(g: Granularity | string | undefined): Granularity {
  if (g === undefined) return { kind: 'unstructured' };
  if (typeof g === 'string') return parseGranularity(g);
  const kinds = ['unstructured', 'block', 'nm', 'filters'];
  if (!kinds.includes((g as { kind: string }).kind)) throw new UsageError(`unknown granularity kind ${JSON.stringify((g as { kind: string }).kind)}`);
  if (g.kind === 'block') {
    usageCheck(['mean', 'max', 'l2'].includes(g.pooling), () => `block pooling must be mean, max or l2, got ${JSON.stringify(g.pooling)}`);
    usageCheck(Number.isInteger(g.rows) && Number.isInteger(g.cols), () => `block size must be integers, got ${g.rows}x${g.cols}`);
  }
  if (g.kind === 'filters') usageCheck(['l1', 'l2'].includes(g.norm), () => `filter norm must be l1 or l2, got ${JSON.stringify(g.norm)}`);
  return parseGranularity(formatGranularity(g));
}

export interface PruningOptions {
  schedule: PruningSchedule;
  /** Default 'unstructured'. */
  granularity?: Granularity | string;
  /** One magnitude threshold across all pruned layers (unstructured only). Default false. */
  global?: boolean;
  /** Prune only these layers (by name); each must be of an allowlisted class. Default: every allowlisted layer. */
  layers?: string[];
  /**
   * A final sparsity per layer name (as AMC/NetAdapt allocate them). The schedule then sets the pace:
   * at each step a layer's sparsity is `schedule × own / schedule.finalSparsity`, so every layer
   * reaches its own target when the schedule ends. Implies `layers` (the keys); not with `global`.
   */
  sparsityByLayer?: Record<string, number>;
}

/** The serialized form: `{ className: 'SmallnetsPruningConfig', config: {...} }`. */
export interface PruningConfigJson {
  className: string;
  config: { schedule: ScheduleJson; granularity: string; global: boolean; layers: string[] | null; sparsityByLayer?: Record<string, number> | null };
}

export class PruningConfig extends tf.serialization.Serializable {
  static readonly className = 'SmallnetsPruningConfig';
  readonly schedule: PruningSchedule;
  readonly granularity: Granularity;
  readonly global: boolean;
  readonly layers: readonly string[] | undefined;
  readonly sparsityByLayer: Readonly<Record<string, number>> | undefined;

  constructor(options: PruningOptions) {
    super();
    usageCheck(options?.schedule instanceof PruningSchedule, () => 'a pruning config needs a schedule (constant(...) or polynomialDecay(...))');
    this.schedule = options.schedule;
    this.granularity = normalizeGranularity(options.granularity);
    this.global = options.global ?? false;
    usageCheck(!this.global || this.granularity.kind === 'unstructured',
      () => `global thresholds apply to unstructured pruning only, not ${formatGranularity(this.granularity)}`);
    if (options.layers !== undefined) {
      usageCheck(Array.isArray(options.layers) && options.layers.length > 0, () => 'layers must be a non-empty list of layer names');
      const seen = new Set<string>();
      for (const name of options.layers) {
        usageCheck(typeof name === 'string' && name.length > 0, () => `layer names must be non-empty strings, got ${JSON.stringify(name)}`);
        usageCheck(!seen.has(name), () => `layer ${name} is listed twice`);
        seen.add(name);
      }
      this.layers = [...options.layers];
    }
    if (options.sparsityByLayer !== undefined) {
      const entries = Object.entries(options.sparsityByLayer ?? {});
      usageCheck(entries.length > 0, () => 'sparsityByLayer must name at least one layer');
      usageCheck(!this.global, () => 'sparsityByLayer sets one target per layer, so it cannot be combined with a global threshold');
      usageCheck(this.granularity.kind !== 'nm', () => `sparsityByLayer does not apply to ${formatGranularity(this.granularity)} (its sparsity is fixed)`);
      for (const [name, s] of entries) {
        usageCheck(typeof s === 'number' && Number.isFinite(s) && s >= 0 && s < 1, () => `sparsity of layer ${name} must be in [0, 1), got ${s}`);
      }
      usageCheck(this.layers === undefined || (this.layers.length === entries.length && entries.every(([n]) => this.layers!.includes(n))),
        () => 'layers and sparsityByLayer name different layers');
      this.sparsityByLayer = Object.fromEntries(entries);
      this.layers ??= entries.map(([n]) => n);
    }
  }

  /** The sparsity of `layer` when the schedule says `scheduled` (see `sparsityByLayer`). */
  sparsityFor(layer: string, scheduled: number): number {
    if (this.sparsityByLayer === undefined) return scheduled;
    const final = this.schedule.finalSparsity;
    const own = this.sparsityByLayer[layer] ?? 0;
    return final > 0 ? Math.min(own, (scheduled * own) / final) : 0;
  }

  override getClassName(): string {
    return PruningConfig.className;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      schedule: this.schedule.toJSON() as unknown as tf.serialization.ConfigDict,
      granularity: formatGranularity(this.granularity),
      global: this.global,
      layers: this.layers ? [...this.layers] : null,
      sparsityByLayer: this.sparsityByLayer ? { ...this.sparsityByLayer } : null,
    };
  }

  toJSON(): PruningConfigJson {
    return { className: PruningConfig.className, config: this.getConfig() as unknown as PruningConfigJson['config'] };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const c = config as unknown as PruningConfigJson['config'];
    return new PruningConfig({
      schedule: scheduleFromJson(c.schedule),
      granularity: c.granularity,
      global: c.global,
      layers: c.layers ?? undefined,
      sparsityByLayer: c.sparsityByLayer ?? undefined,
    }) as unknown as T;
  }
}
registerSerializable(PruningConfig);

/** Rebuild a config from `config.toJSON()` (also after JSON.stringify/parse). */
export function pruningConfigFromJson(json: PruningConfigJson): PruningConfig {
  return fromJson(json, PruningConfig);
}

/** The sparsity a config actually reaches per pruned tensor: N:M fixes it at 1 − N/M. */
export function effectiveSparsity(config: PruningConfig, scheduled: number): number {
  return config.granularity.kind === 'nm' ? 1 - config.granularity.n / config.granularity.m : scheduled;
}
