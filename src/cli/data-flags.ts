/**
 * The data flags every command that trains or evaluates shares: --data mnist|none|DIR,
 * --validation-split (with DIR) and --skip-bad (with DIR); parsed into the library's DataOptions.
 */
import type { Command } from 'commander';
import type { DataOptions, DataSource } from '../pipeline/training-data.js';
import { numberInRange } from './options.js';
import { note } from './output.js';
import { quickDataLimit } from './quick.js';

export interface DataFlags {
  data?: DataSource;
  validationSplit: number;
  skipBad?: boolean;
  seed?: number;
}

/** Add --data, --validation-split and --skip-bad; `none` is offered only where data-free runs exist. */
export function addDataFlags(cmd: Command, options: { none?: boolean; what?: string } = {}): Command {
  const sources = `mnist (default for 28×28×1 models)${options.none ? ', none (data-free)' : ''}, or a folder with one subfolder of PNG/JPEG images per class`;
  return cmd
    .option('--data <source>', `${options.what ?? 'training and test data'}: ${sources}`)
    .option('--validation-split <x>', 'with a data folder: fraction held out (seeded by --seed) to measure accuracy on', numberInRange('--validation-split', 0, 1), 0.2)
    .option('--skip-bad', 'with a data folder: leave out unreadable, non-image or odd-sized files and empty classes, with a warning');
}

/** The library's data options from the flags. */
export function dataOptions(flags: DataFlags): DataOptions {
  const limit = quickDataLimit();
  return { validationSplit: flags.validationSplit, seed: flags.seed ?? 1, skipBad: flags.skipBad ?? false, warn: note, ...(limit ? { limit } : {}) };
}
