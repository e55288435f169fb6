/** Distillation's defaults, without loading TF.js (the CLI shows them in --help). */

/**
 * Defaults measured on LeNet-5 made separable / factorized (docs/restructure.md): 4 epochs at
 * lr 2e-3 (cosine), T = 4, α = 0.7, and random shifts of up to 2 pixels — the teacher labels the
 * shifted digits too, so augmentation gives the student more of the teacher's function to copy.
 */
export const DISTILL_DEFAULTS = { epochs: 4, temperature: 4, alpha: 0.7, learningRate: 2e-3, maxShift: 2 };
