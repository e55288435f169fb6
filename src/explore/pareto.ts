/**
 * Pareto fronts: the trials no other trial beats on both axes at once (as Optuna's
 * `plot_pareto_front` draws them). Pure functions on plain numbers.
 */

export interface ParetoPoint {
  key: string;
  /** The cost to minimize (bytes, MACs, milliseconds). */
  cost: number;
  /** The value to maximize (accuracy). */
  value: number;
}

/**
 * Keys of the non-dominated points, cheapest first. A point is dominated when another costs no more
 * and is worth at least as much, and is strictly better on one of the two; exact ties keep the first.
 *
 * @example
 * paretoFront([{ key: 'a', cost: 1, value: 0.9 }, { key: 'b', cost: 2, value: 0.8 }]); // ['a']
 */
export function paretoFront(points: readonly ParetoPoint[]): string[] {
  const sorted = points
    .filter((p) => Number.isFinite(p.cost) && Number.isFinite(p.value))
    .map((p, i) => ({ ...p, i }))
    .sort((a, b) => a.cost - b.cost || b.value - a.value || a.i - b.i);
  const front: string[] = [];
  let best = -Infinity;
  for (const p of sorted) {
    if (p.value > best) {
      front.push(p.key);
      best = p.value;
    }
  }
  return front;
}

/**
 * The smallest-cost point whose value is at least `floor`, or undefined when none is.
 *
 * @example
 * cheapestWithin([{ key: 'a', cost: 5, value: 0.99 }, { key: 'b', cost: 2, value: 0.97 }], 0.98); // 'a'
 */
export function cheapestWithin(points: readonly ParetoPoint[], floor: number): string | undefined {
  let best: ParetoPoint | undefined;
  for (const p of points) {
    if (p.value < floor) continue;
    if (!best || p.cost < best.cost || (p.cost === best.cost && p.value > best.value)) best = p;
  }
  return best?.key;
}
