import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../random.js';
import { cheapestWithin, paretoFront, type ParetoPoint } from './pareto.js';

/** O(n²) reference: a point is on the front when no other dominates it. */
function bruteFront(points: ParetoPoint[]): string[] {
  const dominated = (p: ParetoPoint) =>
    points.some((q) => q !== p && q.cost <= p.cost && q.value >= p.value && (q.cost < p.cost || q.value > p.value || points.indexOf(q) < points.indexOf(p)));
  return points.filter((p) => !dominated(p)).sort((a, b) => a.cost - b.cost).map((p) => p.key);
}

describe('pareto', () => {
  it('matches the brute-force definition on random points with ties', () => {
    const random = mulberry32(3);
    for (let trial = 0; trial < 50; trial++) {
      const points = Array.from({ length: 30 }, (_, i) => ({ key: `p${i}`, cost: Math.floor(random() * 10), value: Math.floor(random() * 10) / 10 }));
      expect(paretoFront(points)).toEqual(bruteFront(points));
    }
  });

  it('cheapest within a floor: the smallest cost whose value reaches it', () => {
    const points = [{ key: 'big', cost: 100, value: 0.99 }, { key: 'small', cost: 10, value: 0.97 }, { key: 'mid', cost: 40, value: 0.985 }];
    expect(cheapestWithin(points, 0.98)).toBe('mid');
    expect(cheapestWithin(points, 0.995)).toBeUndefined();
    expect(paretoFront(points)).toEqual(['small', 'mid', 'big']);
  });
});
