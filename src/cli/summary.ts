/**
 * `smallnets summary MODEL [--storage S] [--sram-kib N] [--all] [--json]`: per-layer output shape,
 * params, MACs, stored bytes and energy per inference (docs/energy.md), with totals.
 *
 * A thin layer over `summaryOf` (src/pipeline/summary.ts).
 */
import type { Command } from 'commander';
import { DEFAULT_SRAM_BYTES } from '../analysis/energy.js';
import { STORAGE_FORMS, parseStorageSpec } from '../analysis/storage.js';
import { ZOO_SPEC_FORMS } from '../models/zoo-forms.js';
import type { SummaryOptions } from '../pipeline/summary.js';
import type { TableFormat } from '../analysis/text-table.js';
import { addCommand, examples } from './command.js';
import { nonNegativeInt, optionWithDefaultText } from './options.js';
import { printResult } from './output.js';

interface SummaryFlags extends SummaryOptions {
  model: string;
  all?: boolean;
  format?: TableFormat;
}

export function register(program: Command): void {
  addCommand<SummaryFlags>(
    program,
    'summary',
    (cmd) =>
      examples(cmd, [
        'summary mobilenet_v1:0.25:128',
        'summary out/lenet5.snn --format markdown',
        'summary out/lenet5 --storage int8',
      ])
        .description('per-layer output shape, params, multiply-adds, stored bytes and energy per inference (45 nm table)')
        .option('--storage <format>', `what-if storage instead of the saved one: ${STORAGE_FORMS.join(', ')}`, parseStorageSpec)
        .addOption(optionWithDefaultText('--sram-kib <n>', 'on-chip SRAM budget for weights in KiB', String(DEFAULT_SRAM_BYTES / 1024), nonNegativeInt('--sram-kib')))
        .option('--all', 'also list layers without weights or multiply-adds'),
    async (_args, options) => {
      const { summaryOf } = await import('../pipeline/summary.js');
      const { renderSummaryTable } = await import('../analysis/table.js');
      const summary = await summaryOf(options.model, options);
      printResult(renderSummaryTable(summary, { all: options.all === true, format: options.format ?? 'table' }));
      return { command: 'summary', model: options.model, ...summary };
    },
    { table: true, model: `model directory, model.json, URL, .snn file, or zoo spec: ${ZOO_SPEC_FORMS.join(', ')}` },
  );
}
