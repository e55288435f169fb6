import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { BUILTIN_SPACES, gridConfigs, loadSpace, parseSpace, randomConfigs } from './space.js';
import { normalizeConfig, trialLabel } from './trial-config.js';
import { trialKey } from './trial-key.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'smallnets-space-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('search spaces', () => {
  it('malformed spaces are usage errors naming the field', () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ knobs: { widht: [1] } }, /space\.knobs\.widht is not a knob \(knobs: width, separable/],
      [{ knobs: { sparsity: { min: 0.9, max: 0.5, steps: 3 } } }, /space\.knobs\.sparsity is a bad range: min 0\.9 is above max 0\.5/],
      [{ knobs: { sparsity: { min: 0.5, max: 1.5 } } }, /space\.knobs\.sparsity\.max must be a number in \[0, 0\.999\), got 1\.5/],
      [{ knobs: { epochs: { min: 1, max: 3, steps: 0 } } }, /space\.knobs\.epochs\.steps must be an integer in \[1, 1000\]/],
      [{ knobs: { width: [] } }, /space\.knobs\.width is empty/],
      [{ knobs: {} }, /space\.knobs is empty: an empty space has no trials/],
      [{ knobs: { width: [0] } }, /space\.knobs\.width\[0\] must be a number in \(0, 1\], got 0/],
      [{ knobs: { clusters: ['conv:1'] } }, /space\.knobs\.clusters\[0\]\.conv must be an integer in \[2, 256\], got 1/],
      [{ knobs: { bits: [4], clusters: [16] } }, /space\.knobs has no runnable combination/],
      [{ knobs: { separable: { min: 0, max: 1 } } }, /space\.knobs\.separable takes a list of values, not a range/],
      [{ name: 'x', knob: {} }, /space\.knob is not a space field/],
      [[1, 2], /space must be a JSON object/],
    ];
    for (const [doc, message] of cases) {
      expect(() => parseSpace(doc), JSON.stringify(doc)).toThrow(UsageError);
      expect(() => parseSpace(doc), JSON.stringify(doc)).toThrow(message);
    }
  });

  it('a space file: bad JSON and unknown names are usage errors; a valid file loads', async () => {
    const bad = path.join(dir, 'bad.json');
    await writeFile(bad, '{"knobs": {"width": [1,}}');
    await expect(loadSpace(bad)).rejects.toThrow(/space file .*bad\.json is not valid JSON/);
    await expect(loadSpace(path.join(dir, 'missing.json'))).rejects.toThrow(/`space` .*missing\.json is neither a built-in space \(quick, full\) nor a readable file/);
    const good = path.join(dir, 'good.json');
    await writeFile(good, JSON.stringify({ name: 'good', knobs: { sparsity: { min: 0.8, max: 0.95, steps: 4 }, clusters: [null, { dense: 4, conv: 16 }] } }));
    const space = await loadSpace(good);
    expect(space.knobs.sparsity).toEqual({ min: 0.8, max: 0.95, steps: 4 });
    expect(space.knobs.clusters).toEqual({ values: [null, 'conv:16,dense:4'] });
  });

  it('grid: the product of values, ranges evenly spaced, conflicting combinations skipped', () => {
    const space = parseSpace({ knobs: { sparsity: { min: 0.8, max: 0.95, steps: 4 }, bits: [null, 4], clusters: [null, 16] } });
    const grid = gridConfigs(space);
    expect(grid.map((c) => c.sparsity)).toEqual([0.8, 0.8, 0.8, 0.85, 0.85, 0.85, 0.9, 0.9, 0.9, 0.95, 0.95, 0.95]);
    expect(grid.every((c) => c.bits === null || c.clusters === null)).toBe(true);
    expect(new Set(grid.map(trialKey)).size).toBe(grid.length);
  });

  it('random: seeded, distinct, and a longer draw extends a shorter one', () => {
    const space = parseSpace({ knobs: { width: { min: 0.25, max: 1 }, sparsity: [0, 0.5, 0.9], epochs: { min: 1, max: 3 } } });
    const five = randomConfigs(space, 5, 7);
    expect(randomConfigs(space, 5, 7)).toEqual(five);
    expect(randomConfigs(space, 8, 7).slice(0, 5)).toEqual(five);
    expect(new Set(five.map(trialKey)).size).toBe(5);
    for (const c of five) {
      expect(c.width).toBeGreaterThanOrEqual(0.25);
      expect(Number.isInteger(c.epochs)).toBe(true);
    }
  });

  it('built-in spaces: quick has at least 12 runnable trials of 1 epoch; full is a real grid', () => {
    const quick = gridConfigs(BUILTIN_SPACES['quick']!);
    expect(quick.length).toBeGreaterThanOrEqual(12);
    expect(quick.every((c) => c.epochs === 1)).toBe(true);
    expect(gridConfigs(BUILTIN_SPACES['full']!).length).toBeGreaterThan(100);
  });

  it('keys: equal settings written differently have one key; labels are short', () => {
    const a = normalizeConfig({ clusters: 'dense:4,conv:16', separable: ['conv2', 'conv1'], sparsity: { fc2: 0.5, fc1: 0.9 } });
    const b = normalizeConfig({ clusters: { conv: 16, dense: 4 }, separable: 'conv1,conv2', sparsity: { fc1: 0.9, fc2: 0.5 }, huffman: true });
    expect(trialKey(a)).toBe(trialKey(b));
    expect(trialKey(a)).toMatch(/^[0-9a-f]{16}$/);
    expect(trialLabel(a)).toBe('sep(conv1,conv2) s(.9/.5) k=conv:16,dense:4');
    expect(trialLabel(normalizeConfig({ filterPrune: { fc1: 0.3 }, clusters: 'fc1:4,fc2:8' }))).toBe('f(.3) k(4/8)');
    expect(() => normalizeConfig({ bits: 4, clusters: 16 })).toThrow(/bits and clusters are exclusive/);
  });

  it('a knob added later (distill) leaves the keys of configs that do not use it as they were; using it makes a new trial', () => {
    const config = { filterPrune: { fc1: 0.5, fc2: 0.5 }, sparsity: { fc1: 0.93, fc2: 0.93, fc3: 0.8 }, clusters: 'fc1:4,fc2:4,fc3:4', epochs: 10, fineTuneEpochs: 2 };
    expect(trialKey(normalizeConfig(config))).toBe('3c49421660ca9fb6'); // its key in a store written before the knob existed
    expect(trialKey(normalizeConfig({ ...config, distill: false }))).toBe('3c49421660ca9fb6');
    expect(trialKey(normalizeConfig({ ...config, distill: true }))).not.toBe('3c49421660ca9fb6');
    expect(trialLabel(normalizeConfig({ ...config, distill: true }))).toMatch(/ kd$/);
  });
});
