/**
 * Several restructurings in one go, as the CLI offers them: factorize some convs, make others
 * separable, then thin everything by a width multiplier. Layer selections refer to the ORIGINAL
 * model and must not overlap (a conv is either factorized or made separable).
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { UsageError } from '../errors.js';
import { factorize, factorizeIneligible, type Intermediate } from './factorize.js';
import { separable, separableIneligible } from './separable.js';
import { selectLayers, type LayerSelection } from './select.js';
import { inputChannels } from './conv.js';
import { widthMultiplier } from './width.js';

export interface RestructurePlan {
  separable?: LayerSelection;
  factorize?: LayerSelection;
  /** Width multiplier α in (0, 1]. */
  width?: number;
  /** Intermediate channels of factorized stacks (see factorize). */
  intermediate?: Intermediate;
  /** Depthwise filters per input channel of separable layers (default 1). */
  depthMultiplier?: number;
  /** Seeds the new layers' initializers. */
  seed?: number;
}

/**
 * The convs `plan.separable` converts, and those `'all'` keeps full: a conv reading one input
 * channel has a depthwise stage of a single k×k filter that every output rescales (a rank-1
 * bottleneck, which cost LeNet-5's conv1 0.65–1.05 points), so `'all'` keeps it a full convolution,
 * as MobileNet keeps its first layer — unless `depthMultiplier` > 1 gives it several filters. Named
 * layers are always converted.
 *
 * @example
 * separableLayers(lenet5(), { separable: 'all' }); // { convert: Set { 'conv2' }, keptFull: ['conv1'] }
 */
export function separableLayers(model: tfl.LayersModel, plan: Pick<RestructurePlan, 'separable' | 'depthMultiplier'>): { convert: Set<string>; keptFull: string[] } {
  if (plan.separable === undefined) return { convert: new Set(), keptFull: [] };
  const selected = selectLayers(model, plan.separable, 'separable', separableIneligible);
  if (plan.separable !== 'all' || (plan.depthMultiplier ?? 1) > 1) return { convert: selected, keptFull: [] };
  const keptFull = [...selected].filter((name) => inputChannels(model.getLayer(name)) === 1);
  return { convert: new Set([...selected].filter((name) => !keptFull.includes(name))), keptFull };
}

/**
 * Apply a plan; returns a new model (the input is untouched).
 *
 * @example
 * const m = restructure(lenet5(), { separable: ['conv2'], factorize: ['conv1'], width: 0.5 });
 */
export function restructure(model: tfl.LayersModel, plan: RestructurePlan): tfl.LayersModel {
  if (plan.separable === undefined && plan.factorize === undefined && plan.width === undefined) {
    throw new UsageError('nothing to do: give `separable`, `factorize` and/or `width`');
  }
  const toFactorize = plan.factorize === undefined ? new Set<string>() : selectLayers(model, plan.factorize, 'factorize', factorizeIneligible);
  const toSeparate = separableLayers(model, plan).convert;
  const both = [...toFactorize].filter((n) => toSeparate.has(n));
  if (both.length > 0) throw new UsageError(`layer${both.length > 1 ? 's' : ''} ${both.join(', ')} selected for both separable and factorize`);
  const seed = plan.seed;
  let current = model;
  const step = (next: tfl.LayersModel) => {
    if (current !== model) current.dispose();
    current = next;
  };
  if (toFactorize.size > 0) {
    step(factorize(current, { layers: [...toFactorize], ...(plan.intermediate === undefined ? {} : { intermediate: plan.intermediate }), ...(seed === undefined ? {} : { seed }) }));
  }
  if (toSeparate.size > 0) {
    step(separable(current, {
      layers: [...toSeparate],
      ...(plan.depthMultiplier === undefined ? {} : { depthMultiplier: plan.depthMultiplier }),
      ...(seed === undefined ? {} : { seed: seed + 1 }),
    }));
  }
  if (plan.width !== undefined) step(widthMultiplier(current, plan.width));
  return current;
}
