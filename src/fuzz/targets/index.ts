/**
 * Every fuzz target, by name. Adding a decoder: one file in this folder exporting a FuzzTarget
 * (../target.ts), one line here, and a test file beside it calling `fuzzTargetSuite` — the CI run,
 * the corpus replay, `npm run fuzz -- --target NAME` and the results rows follow.
 */
import type { FuzzTarget } from '../target.js';
import { imageFolderTarget } from './image-folder.js';
import { jpegTarget } from './jpeg.js';
import { modelJsonTarget } from './model-json.js';
import { onnxTarget } from './onnx.js';
import { pngTarget } from './png.js';
import { runtimePlanTarget } from './runtime-plan.js';
import { snnTarget } from './snn.js';
import { trialLogTarget } from './trial-log.js';

export const FUZZ_TARGETS: Readonly<Record<string, FuzzTarget>> = {
  [modelJsonTarget.name]: modelJsonTarget,
  [pngTarget.name]: pngTarget,
  [jpegTarget.name]: jpegTarget,
  [onnxTarget.name]: onnxTarget,
  [snnTarget.name]: snnTarget,
  [imageFolderTarget.name]: imageFolderTarget,
  [runtimePlanTarget.name]: runtimePlanTarget,
  [trialLogTarget.name]: trialLogTarget,
};
