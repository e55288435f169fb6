import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { capEpochs, quickDataLimit, quickMode } from './quick.js';

describe('SMALLNETS_QUICK', () => {
  it('is on for 1, off when unset, empty or 0, and a usage error otherwise', () => {
    expect(quickMode({ SMALLNETS_QUICK: '1' })).toBe(true);
    expect(quickMode({})).toBe(false);
    expect(quickMode({ SMALLNETS_QUICK: '' })).toBe(false);
    expect(quickMode({ SMALLNETS_QUICK: '0' })).toBe(false);
    expect(() => quickMode({ SMALLNETS_QUICK: 'yes' })).toThrow(/SMALLNETS_QUICK must be 1 or 0, got "yes"/);
  });

  it('caps the epoch options a command has (given or defaulted) at one, and limits the data', () => {
    const cmd = new Command('x').option('--epochs <n>').option('--fine-tune-epochs <n>');
    const options: Record<string, unknown> = { epochs: 10 };
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    capEpochs(cmd, options, { SMALLNETS_QUICK: '1' });
    err.mockRestore();
    expect(options).toEqual({ epochs: 1, fineTuneEpochs: 1 });
    const untouched: Record<string, unknown> = { epochs: 10 };
    capEpochs(cmd, untouched, {});
    expect(untouched).toEqual({ epochs: 10 });
    expect(quickDataLimit({ SMALLNETS_QUICK: '1' })).toEqual({ train: 1000, test: 500 });
    expect(quickDataLimit({})).toBeUndefined();
  });
});
