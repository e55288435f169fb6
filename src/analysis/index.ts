/** Analysis: params, MACs, encoded bytes and energy per inference, per layer and in total. */
export type { LayerDescription, ModelDescription, Shape, WeightDescription, WeightRole } from './description.js';
export { convMacs, denseMacs, depthwiseMacs, separableConvMacs, transposedConvMacs } from './macs.js';
export {
  FLOAT32, STORAGE_FORMS, deepCompression, expectedFillersPerNonzero, integerInference, isSparse, parseStorageSpec,
  specFor, tensorBits, tfjsQuantized, validateStorageSpec,
} from './storage.js';
export type { Arithmetic, DeepCompressionOptions, StoragePlan, StorageSpec, TensorStorage } from './storage.js';
export {
  DEFAULT_SRAM_BYTES, HOROWITZ_45NM, macEnergyPj, pjToMicrojoules, readEnergyPj, weightMemory,
} from './energy.js';
export type { EnergyTable, WeightMemory } from './energy.js';
export { kernelDensity, layerBits, summarizeDescription } from './summary.js';
export type { LayerSummary, ModelSummary, SummaryOptions } from './summary.js';
export { describeModel, knownLayerClasses, registerLayerCost, summarize } from './describe.js';
export type { DescribeOptions, LayerCost, NodeShapes } from './describe.js';
export { manifestEntryBits, storagePlanFromManifest } from './manifest.js';
export { arithmeticOf, storagePlanFromSnn, tensorStorageOf } from './snn-storage.js';
export { SUMMARY_HEAD, formatShape, renderSummaryTable, summaryRows } from './table.js';
export type { SummaryTableOptions } from './table.js';
export { distinctValuesPerLayer } from './distinct.js';
