/** Counting exact zeros: what sparsity reports, model descriptions and the demo all measure. */

/** Nonzero entries of a tensor's values. */
export function countNonzero(values: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) n++;
  return n;
}
