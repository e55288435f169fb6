/** What the draw view needs from an engine: probabilities for 28×28 digits, timed by the caller. */
export interface DigitClassifier {
  /** Engine name as the page shows it. */
  engine: string;
  /** Class probabilities for `count` digits (count × 784 values in [0, 1]) → count × 10. */
  predict(digits: Float32Array, count: number): Float32Array;
  dispose(): void;
}

/** Digits per predict call when the draw view measures test accuracy (the tests mirror it to compare bits). */
export const ACCURACY_BATCH = 250;

/**
 * Throws one readable line unless a model takes one 28×28×1 digit and gives 10 scores (shapes of one
 * sample, without the batch axis), naming what it found.
 */
export function checkDigitShapes(label: string, input: ReadonlyArray<number | null>, output: ReadonlyArray<number | null>): void {
  const isDigitIn = input.length === 3 && input[0] === 28 && input[1] === 28 && input[2] === 1;
  const isTenOut = output.length === 1 && output[0] === 10;
  if (!isDigitIn || !isTenOut) throw new Error(`${label} takes ${JSON.stringify(input)} and gives ${JSON.stringify(output)} per sample; a digit classifier takes [28,28,1] and gives [10]`);
}

/** Probabilities from model outputs: kept when each row already sums to 1, else softmax. */
export function asProbabilities(outputs: Float32Array, classes: number): Float32Array {
  const out = new Float32Array(outputs.length);
  for (let row = 0; row < outputs.length / classes; row++) {
    const r = outputs.subarray(row * classes, (row + 1) * classes);
    const sum = r.reduce((a, b) => a + b, 0);
    if (r.every((v) => v >= 0) && Math.abs(sum - 1) < 1e-3) {
      out.set(r, row * classes);
      continue;
    }
    const max = Math.max(...r);
    let total = 0;
    for (let i = 0; i < classes; i++) total += out[row * classes + i] = Math.exp(r[i]! - max);
    for (let i = 0; i < classes; i++) out[row * classes + i]! /= total;
  }
  return out;
}

/** The k most likely classes of one row, best first. */
export function topK(probabilities: Float32Array, k: number): Array<{ digit: number; probability: number }> {
  return Array.from(probabilities, (probability, digit) => ({ digit, probability }))
    .sort((a, b) => b.probability - a.probability)
    .slice(0, k);
}
