/** Quantization's defaults, without loading TF.js (the CLI shows them in --help). */

export const DEFAULT_CALIBRATION_SAMPLES = 512;
