/**
 * Per-layer sensitivity, the guide of the auto strategy (as NetAdapt and AMC allocate per-layer
 * budgets): how much accuracy the base model loses, without retraining, when one layer alone is
 * (a) pruned to a sparsity, (b) stripped of a fraction of its filters / units (L1), or (c) clustered
 * to k shared values. Measured on training digits — the test digits stay for judging trials.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Split } from '../data/split.js';
import { kmeans1d } from '../clustering/index.js';
import { prunableWeightNames, sensitivity, traceFilterChain } from '../pruning/index.js';
import { cloneModel } from '../graph/clone.js';
import { weightBaseName } from '../models/layer-facts.js';
import { evaluateAccuracy } from '../training/evaluate.js';

/** Per-layer sparsities tried (and offered to the search). */
export const SPARSITY_LADDER: readonly number[] = [0.5, 0.7, 0.8, 0.9, 0.93, 0.95, 0.97, 0.98, 0.99, 0.995];
/** Fractions of filters / units removed. */
export const FILTER_LADDER: readonly number[] = [0.1, 0.2, 0.3, 0.5, 0.7];
/** Shared values per layer, coarsest last. */
export const CLUSTER_LADDER: readonly number[] = [64, 32, 16, 8, 4, 2];

export interface LayerProfile {
  name: string;
  className: string;
  /** Kernel weights of the layer. */
  weights: number;
  /** Accuracy with the layer alone pruned, by sparsity. */
  prune: Record<string, number>;
  /** Accuracy with that fraction of the layer's filters removed; absent when the layer cannot lose filters. */
  filters?: Record<string, number>;
  /** Accuracy with the layer's kernel clustered to k values, by k. */
  clusters: Record<string, number>;
}

export interface SensitivityProfile {
  /** Accuracy of the unmodified model on the same digits. */
  baseline: number;
  images: number;
  layers: LayerProfile[];
}

/** Accuracy with each prunable layer's kernel replaced by its k-means codebook values, per k. */
function clusterSensitivity(model: tfl.LayersModel, split: Split, ladder: readonly number[]): Map<string, Record<string, number>> {
  const clone = cloneModel(model);
  const out = new Map<string, Record<string, number>>();
  try {
    for (const layer of clone.layers) {
      const names = prunableWeightNames(layer.getClassName());
      const kernel = names ? layer.weights.find((w) => weightBaseName(w.originalName) === 'kernel') : undefined;
      if (!kernel) continue;
      const original = Float32Array.from(kernel.read().dataSync() as Float32Array);
      const accuracy: Record<string, number> = {};
      for (const k of ladder) {
        const { centroids, indices } = kmeans1d(original, { clusters: k, init: 'linear', seed: 1 });
        const shared = Float32Array.from(indices, (i) => centroids[i]!);
        tf.tidy(() => {
          kernel.write(tf.tensor(shared, kernel.shape as number[]));
        });
        accuracy[String(k)] = evaluateAccuracy(clone, split);
      }
      tf.tidy(() => {
        kernel.write(tf.tensor(original, kernel.shape as number[]));
      });
      out.set(layer.name, accuracy);
    }
  } finally {
    clone.dispose();
  }
  return out;
}

/**
 * Profile every prunable layer of `model` on `split` (the model is not modified).
 *
 * @example
 * const profile = profileLayers(model, head(loadMnist().train, 2000));
 * profile.layers.map((l) => [l.name, l.prune['0.9']]);
 */
export function profileLayers(model: tfl.LayersModel, split: Split, progress?: (message: string) => void): SensitivityProfile {
  progress?.('profiling layers: pruning');
  const pruned = sensitivity(model, split, { sparsities: SPARSITY_LADDER });
  progress?.('profiling layers: filter removal');
  const removable = new Set(model.layers.filter((l) => typeof traceFilterChain(model, l) !== 'string').map((l) => l.name));
  const filters = removable.size > 0 ? sensitivity(model, split, { sparsities: FILTER_LADDER, granularity: 'filters' }) : undefined;
  progress?.('profiling layers: clustering');
  const clusters = clusterSensitivity(model, split, CLUSTER_LADDER);
  return {
    baseline: pruned.baseline,
    images: split.count,
    layers: pruned.layers.map((l) => {
      const f = removable.has(l.name) ? filters?.layers.find((x) => x.name === l.name)?.accuracy : undefined;
      return {
        name: l.name, className: l.className, weights: l.params, prune: l.accuracy,
        ...(f ? { filters: f } : {}),
        clusters: clusters.get(l.name) ?? {},
      };
    }),
  };
}

function isAccuracyMap(v: unknown): v is Record<string, number> {
  return typeof v === 'object' && v !== null && Object.values(v).every((x) => typeof x === 'number' && x >= 0 && x <= 1);
}

/** A stored profile read back, or undefined when the text is not one (then it is recomputed). */
export function parseProfile(text: string): SensitivityProfile | undefined {
  try {
    const p = JSON.parse(text) as SensitivityProfile;
    const ok = typeof p.baseline === 'number' && typeof p.images === 'number' && Array.isArray(p.layers) && p.layers.every((l) =>
      typeof l.name === 'string' && typeof l.className === 'string' && typeof l.weights === 'number' &&
      isAccuracyMap(l.prune) && isAccuracyMap(l.clusters) && (l.filters === undefined || isAccuracyMap(l.filters)));
    return ok ? p : undefined;
  } catch {
    return undefined;
  }
}
