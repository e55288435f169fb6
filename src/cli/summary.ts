/**
 * `smallnets summary MODEL [--storage S] [--sram-kib N] [--all] [--json]`: per-layer output shape,
 * params, MACs, stored bytes and energy per inference (docs/energy.md), with totals.
 *
 * A thin layer over `summaryOf` (src/pipeline/summary.ts).
 */
import type { Command } from 'commander';
import { DEFAULT_SRAM_BYTES } from '../analysis/energy.js';
import { STORAGE_FORMS, parseStorageSpec } from '../analysis/storage.js';
import { renderSummaryTable } from '../analysis/table.js';
import { ZOO_SPEC_FORMS } from '../models/zoo.js';
import { summaryOf, type SummaryOptions } from '../pipeline/summary.js';
import { addCommand } from './command.js';
import { nonNegativeInt } from './options.js';
import { log } from './output.js';

interface SummaryFlags extends SummaryOptions {
  all?: boolean;
}

export function register(program: Command): void {
  addCommand<SummaryFlags>(
    program,
    'summary',
    (cmd) =>
      cmd
        .description('per-layer output shape, params, multiply-adds, stored bytes and energy per inference (45 nm table)')
        .argument('<model>', `model directory, model.json, URL, .snn file, or zoo spec: ${ZOO_SPEC_FORMS.join(', ')}`)
        .option('--storage <format>', `what-if storage instead of the saved one: ${STORAGE_FORMS.join(', ')}`, parseStorageSpec)
        .option('--sram-kib <n>', `on-chip SRAM budget for weights in KiB (default ${DEFAULT_SRAM_BYTES / 1024})`, nonNegativeInt('--sram-kib'))
        .option('--all', 'also list layers without weights or multiply-adds'),
    async ([location], options) => {
      const summary = await summaryOf(location!, options);
      log(renderSummaryTable(summary, { all: options.all === true }));
      return { command: 'summary', model: location, ...summary };
    },
  );
}
