/**
 * `smallnets summary MODEL [--storage S] [--sram-kib N] [--all] [--json]`: per-layer output shape,
 * params, MACs, stored bytes and energy per inference (docs/energy.md), with totals.
 *
 * MODEL is a TF.js model directory, model.json or URL (sized by its weights manifest: the dtypes
 * and converter quantization actually stored), a .snn file (sized by its tensor records: sparse,
 * codebook, affine or float16 as stored), or a zoo spec (lenet5, mobilenet_v1:0.25:128, …; float32). `--storage` replaces the stored format with a what-if: float16, uint8, int8, deep:32:5.
 */
import type { Command } from 'commander';
import { describeModel } from '../analysis/describe.js';
import { DEFAULT_SRAM_BYTES } from '../analysis/energy.js';
import { storagePlanFromManifest } from '../analysis/manifest.js';
import { storagePlanFromSnn } from '../analysis/snn-storage.js';
import { STORAGE_FORMS, parseStorageSpec, type StoragePlan, type StorageSpec } from '../analysis/storage.js';
import { summarizeDescription, type ModelSummary } from '../analysis/summary.js';
import { renderSummaryTable } from '../analysis/table.js';
import { ZOO_SPEC_FORMS } from '../models/zoo.js';
import { openLayersModel, type OpenedLayersModel } from '../pipeline/open-model.js';
import { addCommand } from './command.js';
import { nonNegativeInt } from './options.js';
import { log } from './output.js';

interface SummaryFlags {
  storage?: StorageSpec;
  sramKib?: number;
  all?: boolean;
}

/** The storage a model is actually saved in (undefined: float32, as for a zoo model). */
function storedPlan(opened: OpenedLayersModel): ((description: ReturnType<typeof describeModel>) => StoragePlan) | undefined {
  const { snn, weightSpecs } = opened;
  if (snn) return (description) => storagePlanFromSnn(snn, description);
  if (weightSpecs) return (description) => storagePlanFromManifest(weightSpecs, description);
  return undefined;
}

/** Summarize a model location or zoo spec, as the command does. */
export async function summaryOf(location: string, flags: SummaryFlags = {}): Promise<ModelSummary> {
  const opened = await openLayersModel(location);
  try {
    const description = describeModel(opened.layers);
    const storage = flags.storage ?? storedPlan(opened)?.(description);
    return summarizeDescription(description, {
      ...(storage === undefined ? {} : { storage }),
      sramBytes: flags.sramKib === undefined ? DEFAULT_SRAM_BYTES : flags.sramKib * 1024,
    });
  } finally {
    opened.dispose();
  }
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
