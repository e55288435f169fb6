/**
 * Size and energy of a described model under a storage plan. Pure: no TF.js.
 *
 * Energy of one inference (batch 1) = Σ over layers of
 *   (stored weight bits / 32) × (SRAM or DRAM 32-bit read)      — every weight fetched once
 * + executed MACs × (multiply + add at the layer's arithmetic)  — zero weights skipped when sparse.
 * docs/energy.md lists the assumptions.
 */
import { UsageError } from '../errors.js';
import type { LayerDescription, ModelDescription, Shape } from './description.js';
import {
  DEFAULT_SRAM_BYTES, HOROWITZ_45NM, macEnergyPj, pjToMicrojoules, readEnergyPj, weightMemory,
  type EnergyTable, type WeightMemory,
} from './energy.js';
import { FLOAT32, isSparse, specFor, tensorBits, validateStorageSpec, type StoragePlan, type StorageSpec } from './storage.js';

export interface SummaryOptions {
  /** How weights are stored; default FLOAT32 for every layer. */
  storage?: StorageSpec | StoragePlan;
  /** On-chip SRAM budget in bytes; default 512 KiB (DEFAULT_SRAM_BYTES). */
  sramBytes?: number;
  /** Energy per operation; default HOROWITZ_45NM. */
  energyTable?: EnergyTable;
}

export interface LayerSummary {
  name: string;
  className: string;
  outputShape: Shape | Shape[];
  params: number;
  macs: number;
  /** Encoded weight bytes at the layer's storage. */
  bytes: number;
  energyMicrojoules: number;
}

export interface ModelSummary {
  name: string;
  params: number;
  macs: number;
  bytes: number;
  energyMicrojoules: number;
  /** Where the weights were assumed to live. */
  weightMemory: WeightMemory;
  sramBytes: number;
  layers: LayerSummary[];
}

/** Kernel density of a layer: the spec's override, else measured nonzeros, else dense. */
export function kernelDensity(layer: LayerDescription, spec: StorageSpec): number {
  if (spec.density !== undefined) return spec.density;
  let size = 0;
  let nonzero = 0;
  for (const w of layer.weights) {
    if (w.role !== 'kernel') continue;
    size += w.size;
    nonzero += w.nonzero ?? w.size;
  }
  return size === 0 ? 1 : nonzero / size;
}

/** Estimated (or exact, when the spec says) stored bits of one layer's weights. */
export function layerBits(layer: LayerDescription, spec: StorageSpec): number {
  if (spec.exactBits !== undefined) return spec.exactBits;
  const density = kernelDensity(layer, spec);
  let bits = 0;
  for (const w of layer.weights) {
    if (w.role === 'kernel') bits += tensorBits(w.size, Math.round(w.size * density), spec.kernel);
    else bits += tensorBits(w.size, w.size, spec.aux);
  }
  return bits;
}

function checkPlanNames(storage: StorageSpec | StoragePlan, model: ModelDescription): void {
  if ('kernel' in storage) {
    validateStorageSpec(storage);
    return;
  }
  validateStorageSpec(storage.default, 'storage.default');
  const names = new Set(model.layers.map((l) => l.name));
  for (const [name, spec] of Object.entries(storage.layers ?? {})) {
    if (!names.has(name)) throw new UsageError(`storage names layer '${name}', which ${model.name} does not have`);
    validateStorageSpec(spec, `storage.layers['${name}']`);
  }
}

/**
 * Summarize a model description: per-layer and total params, MACs, encoded bytes and energy.
 *
 * @example
 * const s = summarizeDescription(describeModel(lenet5()), { storage: deepCompression({ clusters: 32, indexBits: 5 }) });
 * s.weightMemory; // 'sram' once the encoded model fits in 512 KiB
 */
export function summarizeDescription(model: ModelDescription, options: SummaryOptions = {}): ModelSummary {
  const { storage = FLOAT32, sramBytes = DEFAULT_SRAM_BYTES, energyTable = HOROWITZ_45NM } = options;
  checkPlanNames(storage, model);

  const sized = model.layers.map((layer) => {
    const spec = specFor(storage, layer.name);
    return { layer, spec, bits: layerBits(layer, spec), bytes: Math.ceil(layerBits(layer, spec) / 8) };
  });
  const totalBytes = sized.reduce((s, l) => s + l.bytes, 0);
  const memory = weightMemory(totalBytes, sramBytes);

  const layers: LayerSummary[] = sized.map(({ layer, spec, bits, bytes }) => {
    const executedMacs = isSparse(spec) ? layer.macs * kernelDensity(layer, spec) : layer.macs;
    const pj = readEnergyPj(bits, memory, energyTable) + executedMacs * macEnergyPj(spec.arithmetic, energyTable);
    return {
      name: layer.name, className: layer.className, outputShape: layer.outputShape,
      params: layer.params, macs: layer.macs, bytes, energyMicrojoules: pjToMicrojoules(pj),
    };
  });
  return {
    name: model.name,
    params: layers.reduce((s, l) => s + l.params, 0),
    macs: layers.reduce((s, l) => s + l.macs, 0),
    bytes: totalBytes,
    energyMicrojoules: layers.reduce((s, l) => s + l.energyMicrojoules, 0),
    weightMemory: memory,
    sramBytes,
    layers,
  };
}
