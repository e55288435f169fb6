/**
 * TF.js glue for magnitude pruning, in the shape every technique shares: `prune(model, config)`
 * returns a trainable copy (stock layers only) whose allowlisted kernels carry 0/1 masks, and
 * `stripPruning(model)` returns `{ model, report }`: a plain copy with the pruned weights baked in
 * as exact zeros, and its sparsity. The effective kernel is `kernel · mask`: the pruned model
 * carries step hooks that `trainModel` runs — before a step the masks are recomputed when the
 * schedule says so, after it every kernel is multiplied by its mask — so pruned weights are exactly
 * 0 whenever the model runs.
 *
 * Why masks on stock layers rather than a wrapper layer: the trained model stays a standard
 * tf.layers model (loadable anywhere, analyzable), and the trainer already offers the hooks. The
 * masks live beside the model (`pruningState(model)`), so strip before saving.
 *
 * @example
 * const pruned = await prune(model, new PruningConfig({ schedule: polynomialDecay(0, 0.9, 0, 1000, 3, 50) }));
 * trainModel(pruned, train, { epochs: 8 });
 * const { model: shipped, report } = await stripPruning(pruned);
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { UsageError } from '../errors.js';
import { countNonzero } from '../analysis/nonzero.js';
import { traceFilterChain } from './chain.js';
import { cloneModel } from '../graph/clone.js';
import { PruningConfig, formatGranularity, type PruningOptions } from './config.js';
import {
  blockMask, channelMask, filterKeep, globalMagnitudeMasks, magnitudeMask, nmFits, nmMask,
} from './masks.js';
import { prunableClasses, prunableWeights, requirePrunableLayer, supportsFilterPruning, weightBaseName } from './registry.js';
import { sparsityReport, type LayerSparsity, type SparsityReport } from './report.js';
import { attachStepHooks } from '../training/step-hooks.js';

/** w · mask, with pruned entries +0 (a negative weight times 0 is −0; adding +0 normalizes it). */
function masked(w: tf.Tensor, mask: Float32Array): tf.Tensor {
  return tf.tidy(() => tf.add(tf.mul(w, tf.tensor(mask, w.shape)), 0));
}

/** One pruned weight tensor and its mask. */
export interface PruneTarget {
  layerName: string;
  className: string;
  /** Weight base name, e.g. 'kernel'. */
  weightName: string;
  shape: number[];
  variable: tfl.LayerVariable;
  /** Current mask (1 = keep). */
  mask: Uint8Array;
  /** Filter pruning: the layer's bias, masked with the same output channels (a removed filter has no bias). */
  bias?: tfl.LayerVariable;
  /** Filter pruning: which output channels are kept. */
  channels?: Uint8Array;
}

/** A prunable layer that pruning left dense, and why. */
export interface SkippedLayer {
  layerName: string;
  className: string;
  reason: string;
}

export interface TrainHooks {
  beforeStep: (step: number) => void;
  afterStep: (step: number) => void;
}

/** The pruning state of a model returned by `prune`: its masks and the schedule's step counter. */
export class PruningState {
  /** Optimizer steps taken under pruning (tfmot's pruning_step); the first batch is step 0. */
  pruningStep = 0;
  /** Float copies of the current masks (what multiplies the weights), per target. */
  private readonly maskValues = new Map<PruneTarget, { kernel: Float32Array; bias?: Float32Array }>();

  constructor(
    readonly model: tfl.LayersModel,
    readonly config: PruningConfig,
    readonly targets: readonly PruneTarget[],
    readonly skipped: readonly SkippedLayer[],
  ) {
    for (const t of targets) this.setMask(t, t.mask, t.channels);
  }

  /** The step hooks `prune` attaches: update masks per the schedule before a step, re-apply them after it. */
  trainHooks(): TrainHooks {
    return {
      beforeStep: () => this.beforeStep(),
      afterStep: () => {
        this.applyMasks();
        this.pruningStep++;
      },
    };
  }

  /** Recompute masks if the schedule prunes at the current step. Returns whether it did. */
  beforeStep(): boolean {
    const schedule = this.config.schedule;
    if (!schedule.shouldPrune(this.pruningStep)) return false;
    const sparsity = schedule.sparsityAt(this.pruningStep);
    // N:M has a fixed pattern; the schedule only says when it starts (once its sparsity is > 0).
    if (this.config.granularity.kind === 'nm' && sparsity <= 0) return false;
    this.updateMasks(sparsity);
    return true;
  }

  /** Recompute every mask from the current weights at `sparsity`, and apply them. */
  updateMasks(sparsity: number): void {
    const g = this.config.granularity;
    const values = this.targets.map((t) => t.variable.read().dataSync() as Float32Array);
    if (g.kind === 'unstructured' && this.config.global) {
      const masks = globalMagnitudeMasks(values, sparsity);
      this.targets.forEach((t, i) => this.setMask(t, masks[i]!));
    } else {
      this.targets.forEach((t, i) => {
        const v = values[i]!;
        const s = this.config.sparsityFor(t.layerName, sparsity);
        switch (g.kind) {
          case 'unstructured':
            return this.setMask(t, magnitudeMask(v, s));
          case 'block':
            return this.setMask(t, blockMask(v, t.shape, g.rows, g.cols, s, g.pooling));
          case 'nm':
            return this.setMask(t, nmMask(v, t.shape, g.n, g.m));
          case 'filters': {
            const keep = filterKeep(v, t.shape, s, g.norm);
            return this.setMask(t, channelMask(keep, t.shape), keep);
          }
        }
      });
    }
    this.applyMasks();
  }

  /** Multiply every pruned weight by its mask (pruned weights become exactly 0). */
  applyMasks(): void {
    // write() assigns the masked values to the variable; tidy frees the temporary tensor they came in
    // (without it every optimizer step leaked one kernel-sized tensor per pruned layer).
    tf.tidy(() => {
      for (const t of this.targets) {
        const m = this.maskValues.get(t)!;
        t.variable.write(masked(t.variable.read(), m.kernel));
        if (t.bias && m.bias) t.bias.write(masked(t.bias.read(), m.bias));
      }
    });
  }

  /** Kernel sparsity of each pruned layer, measured on the current weights. */
  layerSparsity(): LayerSparsity[] {
    const byLayer = new Map<string, LayerSparsity>();
    for (const t of this.targets) {
      const values = t.variable.read().dataSync();
      const entry = byLayer.get(t.layerName) ?? { name: t.layerName, className: t.className, params: 0, nonzero: 0, sparsity: 0 };
      entry.params += values.length;
      entry.nonzero += countNonzero(values);
      entry.sparsity = 1 - entry.nonzero / entry.params;
      byLayer.set(t.layerName, entry);
    }
    return [...byLayer.values()];
  }

  /** The masks of a target as floats (for stripping). */
  maskOf(target: PruneTarget): { kernel: Float32Array; bias?: Float32Array } {
    return this.maskValues.get(target)!;
  }

  private setMask(target: PruneTarget, mask: Uint8Array, channels?: Uint8Array): void {
    target.mask = mask;
    let bias: Float32Array | undefined;
    if (channels && target.bias) {
      target.channels = channels;
      bias = Float32Array.from(channels);
    }
    const kernel = Float32Array.from(mask);
    this.maskValues.set(target, bias ? { kernel, bias } : { kernel });
  }
}

const states = new WeakMap<tfl.LayersModel, PruningState>();

/** The pruning state of a model made by `prune` (masks, targets, step counter); UsageError otherwise. */
export function pruningState(model: tfl.LayersModel): PruningState {
  const state = states.get(model);
  if (!state) throw new UsageError(`model ${model.name} is not being pruned (was it made by prune()?)`);
  return state;
}

/** Choose the tensors a config prunes in `model` (already cloned). */
function selectTargets(model: tfl.LayersModel, config: PruningConfig): { targets: PruneTarget[]; skipped: SkippedLayer[] } {
  const g = config.granularity;
  const named = config.layers !== undefined;
  const layers = named ? config.layers!.map((name) => requirePrunableLayer(model, name)) : model.layers.filter((l) => prunableWeights(l).length > 0);
  const targets: PruneTarget[] = [];
  const skipped: SkippedLayer[] = [];
  const skip = (layer: tfl.layers.Layer, reason: string): void => {
    if (named) throw new UsageError(`cannot prune layer ${layer.name} (${layer.getClassName()}) with granularity ${formatGranularity(g)}: ${reason}`);
    skipped.push({ layerName: layer.name, className: layer.getClassName(), reason });
  };
  for (const layer of layers) {
    const className = layer.getClassName();
    if (g.kind === 'filters') {
      if (!supportsFilterPruning(className)) {
        skip(layer, `filter pruning supports Dense and Conv2D, not ${className}`);
        continue;
      }
      const chain = traceFilterChain(model, layer);
      if (typeof chain === 'string') {
        skip(layer, chain);
        continue;
      }
      const kernel = layer.weights.find((w) => weightBaseName(w.originalName) === 'kernel')!;
      const bias = layer.weights.find((w) => weightBaseName(w.originalName) === 'bias');
      const shape = kernel.shape as number[];
      targets.push({
        layerName: layer.name, className, weightName: 'kernel', shape, variable: kernel,
        mask: new Uint8Array(shape.reduce((p, d) => p * d, 1)).fill(1),
        channels: new Uint8Array(shape[shape.length - 1]!).fill(1),
        ...(bias ? { bias } : {}),
      });
      continue;
    }
    for (const variable of prunableWeights(layer)) {
      const shape = variable.shape as number[];
      if (g.kind === 'nm' && !nmFits(shape, g.m)) {
        const axis = shape[shape.length - 2];
        skip(layer, `N:M needs M (${g.m}) to divide the input-channel axis (${axis ?? 'none'}) of ${weightBaseName(variable.originalName)} [${shape.join(', ')}]`);
        continue;
      }
      targets.push({
        layerName: layer.name, className, weightName: weightBaseName(variable.originalName), shape, variable,
        mask: new Uint8Array(shape.reduce((p, d) => p * d, 1)).fill(1),
      });
    }
  }
  if (targets.length === 0) {
    const why = skipped.length > 0 ? `: ${skipped.map((s) => `${s.layerName}: ${s.reason}`).join('; ')}` : ` (prunable classes: ${prunableClasses().join(', ')})`;
    throw new UsageError(`nothing to prune in model ${model.name} with granularity ${formatGranularity(g)}${why}`);
  }
  return { targets, skipped };
}

/**
 * Prepare `model` for pruning: a trainable copy whose allowlisted kernels carry masks (all ones
 * until the schedule's first pruning step) and step hooks that `trainModel` runs. The input model
 * is never modified. Config problems that depend on the model (a named layer that is not
 * prunable, N:M that does not fit) are UsageErrors here, before any training.
 *
 * @example
 * const pruned = await prune(model, { schedule: constant(0.9, 0, -1, 50) });
 */
export async function prune(model: tfl.LayersModel, config: PruningConfig | PruningOptions): Promise<tfl.LayersModel> {
  const cfg = config instanceof PruningConfig ? config : new PruningConfig(config);
  // Validate against the original first, so nothing is allocated for a config that cannot work.
  selectTargets(model, cfg);
  const clone = cloneModel(model);
  const { targets, skipped } = selectTargets(clone, cfg);
  const state = new PruningState(clone, cfg, targets, skipped);
  states.set(clone, state);
  attachStepHooks(clone, state.trainHooks());
  return clone;
}

/**
 * A plain tf.layers model (stock layers only, no masks) with the pruned weights baked in as exact
 * zeros, and its sparsity report. The pruned model is left as it is.
 *
 * @example
 * const { model: sparse, report } = await stripPruning(pruned);
 * console.log(report.sparsity);
 */
export async function stripPruning(model: tfl.LayersModel): Promise<{ model: tfl.LayersModel; report: SparsityReport }> {
  const state = pruningState(model);
  const kernels = new Map<string, PruneTarget>();
  for (const t of state.targets) kernels.set(`${t.layerName}/${t.weightName}`, t);
  const biasOf = new Map<string, PruneTarget>();
  for (const t of state.targets) if (t.bias) biasOf.set(`${t.layerName}/${weightBaseName(t.bias.originalName)}`, t);
  const stripped = cloneModel(model, {
    weights: (layerName, base) => {
      const key = `${layerName}/${base}`;
      const t = kernels.get(key);
      if (t) return masked(t.variable.read(), state.maskOf(t).kernel);
      const b = biasOf.get(key);
      if (b && b.bias) return masked(b.bias.read(), state.maskOf(b).bias!);
      return undefined;
    },
  });
  return { model: stripped, report: sparsityReport(stripped) };
}
