import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { UsageError } from '../errors.js';
import { ConstantSparsity, PolynomialDecay, constant, polynomialDecay, scheduleFromJson } from './schedule.js';

/** tfmot's formula, written out independently. */
function tfmotPolynomial(si: number, sf: number, begin: number, end: number, power: number, t: number): number {
  const p = Math.min(1, Math.max(0, (t - begin) / (end - begin)));
  return sf + (si - sf) * Math.pow(1 - p, power);
}

describe('PolynomialDecay', () => {
  const s = polynomialDecay(0.1, 0.9, 100, 1100, 3, 50);

  it.each([0, 100, 150, 350, 600, 1000, 1100, 5000])('sparsityAt(%i) matches s_f + (s_i − s_f)(1 − p)^3', (step) => {
    expect(s.sparsityAt(step)).toBeCloseTo(tfmotPolynomial(0.1, 0.9, 100, 1100, 3, step), 12);
  });

  it('hand-computed values: begin 0.1, halfway 0.8, end 0.9', () => {
    expect(s.sparsityAt(100)).toBeCloseTo(0.1, 12);
    expect(s.sparsityAt(600)).toBeCloseTo(0.9 - 0.8 * 0.125, 12);
    expect(s.sparsityAt(1100)).toBeCloseTo(0.9, 12);
  });

  it('shouldPrune only inside [begin, end] on frequency ticks', () => {
    expect(s.shouldPrune(99)).toBe(false);
    expect(s.shouldPrune(100)).toBe(true);
    expect(s.shouldPrune(125)).toBe(false);
    expect(s.shouldPrune(150)).toBe(true);
    expect(s.shouldPrune(1100)).toBe(true);
    expect(s.shouldPrune(1150)).toBe(false);
  });

  it('power 1 is linear', () => {
    const linear = polynomialDecay(0, 0.8, 0, 10, 1, 1);
    expect(linear.sparsityAt(5)).toBeCloseTo(0.4, 12);
  });
});

describe('ConstantSparsity', () => {
  it('same sparsity at every step, forever with endStep -1', () => {
    const s = constant(0.75, 10, -1, 5);
    expect(s.sparsityAt(0)).toBe(0.75);
    expect(s.sparsityAt(1e6)).toBe(0.75);
    expect(s.shouldPrune(9)).toBe(false);
    expect(s.shouldPrune(10)).toBe(true);
    expect(s.shouldPrune(12)).toBe(false);
    expect(s.shouldPrune(1_000_000)).toBe(true);
  });

  it('stops after endStep', () => {
    const s = constant(0.5, 0, 20, 10);
    expect([0, 10, 20, 30].map((t) => s.shouldPrune(t))).toEqual([true, true, true, false]);
  });
});

describe('schedule config round trips', () => {
  it('PolynomialDecay → toJSON → scheduleFromJson gives an equal schedule', () => {
    const s = new PolynomialDecay(0.2, 0.95, 3, 300, 2, 7);
    const json = JSON.parse(JSON.stringify(s.toJSON()));
    const back = scheduleFromJson(json);
    expect(back).toBeInstanceOf(PolynomialDecay);
    expect(back.getConfig()).toEqual(s.getConfig());
    expect(json).toEqual({ className: 'SmallnetsPolynomialDecay', config: { initialSparsity: 0.2, finalSparsity: 0.95, beginStep: 3, endStep: 300, power: 2, frequency: 7 } });
  });

  it('ConstantSparsity round-trips through tfjs-core serialization registry', () => {
    const s = constant(0.6, 5, 50, 5);
    const back = tf.serialization.SerializationMap.getMap().classNameMap['SmallnetsConstantSparsity']!;
    const rebuilt = back[1](back[0], s.getConfig()) as ConstantSparsity;
    expect(rebuilt.getConfig()).toEqual(s.getConfig());
    expect(scheduleFromJson(s.toJSON()).getConfig()).toEqual(s.getConfig());
  });

  it('unknown class name is a usage error', () => {
    expect(() => scheduleFromJson({ className: 'Cosine', config: {} })).toThrow(/unknown smallnets class "Cosine"/);
  });
});

describe('bad schedules fail at construction with a one-line UsageError', () => {
  const cases: Array<[string, () => unknown, RegExp]> = [
    ['sparsity 1', () => constant(1), /targetSparsity must be in \[0, 1\), got 1$/],
    ['sparsity -0.1', () => constant(-0.1), /got -0.1$/],
    ['final sparsity 1.5', () => polynomialDecay(0, 1.5, 0, 10), /finalSparsity must be in \[0, 1\), got 1.5/],
    ['initial sparsity NaN', () => polynomialDecay(NaN, 0.5, 0, 10), /initialSparsity/],
    ['begin after end', () => polynomialDecay(0, 0.5, 20, 10), /beginStep \(20\) must not be after endStep \(10\)/],
    ['begin after end (constant)', () => constant(0.5, 20, 10), /beginStep \(20\) must not be after endStep \(10\)/],
    ['empty polynomial range', () => polynomialDecay(0, 0.5, 10, 10), /endStep \(10\) must be after beginStep \(10\)/],
    ['frequency 0', () => constant(0.5, 0, -1, 0), /frequency must be a positive integer, got 0/],
    ['fractional frequency', () => polynomialDecay(0, 0.5, 0, 10, 3, 1.5), /frequency must be a positive integer/],
    ['negative begin', () => constant(0.5, -1), /beginStep must be a non-negative integer, got -1/],
    ['polynomial endStep -1', () => polynomialDecay(0, 0.5, 0, -1), /endStep must be a non-negative integer, got -1/],
    ['power 0', () => polynomialDecay(0, 0.5, 0, 10, 0), /power must be a positive number, got 0/],
  ];
  it.each(cases)('%s', (_name, build, message) => {
    let error: unknown;
    try {
      build();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });
});
