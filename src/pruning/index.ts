/** Pruning: weights near zero become exactly zero and stay zero while retraining. */
export { ConstantSparsity, PolynomialDecay, PruningSchedule, constant, polynomialDecay, scheduleFromJson } from './schedule.js';
export type { ScheduleJson } from './schedule.js';
export {
  GRANULARITY_FORMS, PruningConfig, effectiveSparsity, formatGranularity, parseGranularity, pruningConfigFromJson,
} from './config.js';
export type { Granularity, PruningConfigJson, PruningOptions } from './config.js';
export {
  blockMask, channelMask, filterKeep, filterNorms, globalMagnitudeMasks, keepCount, magnitudeMask,
  maskThreshold, nmFits, nmMask, topKMask, zeroChannels,
} from './masks.js';
export type { BlockPooling, FilterNorm } from './masks.js';
export { prunableClasses, prunableWeightNames, prunableWeights, registerPrunable } from './registry.js';
export { PruningState, prune, pruningState, stripPruning } from './prune.js';
export type { PruneTarget, SkippedLayer, TrainHooks } from './prune.js';
export { sparsityReport } from './report.js';
export type { LayerSparsity, SparsityReport } from './report.js';
export { traceFilterChain } from './chain.js';
export type { FilterChain } from './chain.js';
export { removePrunedFilters } from './structured.js';
export type { RemovedFilters, StructuredResult } from './structured.js';
export { DEFAULT_SENSITIVITIES, checkSparsities, sensitivity } from './sensitivity.js';
export type { LayerSensitivity, SensitivityOptions, SensitivityResult } from './sensitivity.js';
export { PRUNE_DEFAULTS, SCHEDULE_KINDS, pruneAndRetrain, pruneRecipe } from './retrain.js';
export type { FineTuneData, PruneRecipe, PruneRetrainOptions, PruneRetrainResult, ScheduleKind, StructuredOutcome } from './retrain.js';
export { countNonzero } from '../analysis/nonzero.js';
