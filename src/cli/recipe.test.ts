/**
 * The recipes `explore` prints parse back, through the real command line, to exactly what the trial
 * ran: compress's recipe options equal the trial's compress options, restructure's flags its plan.
 */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { recipeFor } from '../explore/recipe.js';
import { normalizeConfig } from '../explore/trial-config.js';
import { compressOptionsFor, restructureOptionsFor } from '../explore/trial.js';
import { recipeFromFlags, register as registerCompress } from './compress.js';
import { register as registerRestructure } from './restructure.js';

/** Split a recipe into its commands' words (the shell quoting recipeFor uses: single quotes). */
function commands(recipe: string): string[][] {
  return recipe.split(' && ').map((line) => [...line.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]!)));
}

/** Parse `smallnets <command> …` with the real flags, without running the command. */
async function parse(words: string[]): Promise<{ args: string[]; flags: Record<string, unknown> }> {
  expect(words[0]).toBe('smallnets');
  const program = new Command('smallnets').exitOverride();
  registerCompress(program);
  registerRestructure(program);
  const cmd = program.commands.find((c) => c.name() === words[1])!;
  let parsed: { args: string[]; flags: Record<string, unknown> } | undefined;
  cmd.action((...received: unknown[]) => {
    const command = received[received.length - 1] as Command;
    parsed = { args: command.args, flags: command.opts() };
  });
  await program.parseAsync(words.slice(1), { from: 'user' });
  return parsed!;
}

describe('explore recipes parse back to the trial', () => {
  const configs = [
    normalizeConfig({ filterPrune: { fc1: 0.3 }, sparsity: { fc1: 0.97, fc2: 0.9, fc3: 0.7 }, clusters: 'fc1:4,fc2:8,fc3:16', epochs: 10, fineTuneEpochs: 2 }),
    normalizeConfig({ filterPrune: 0.25, sparsity: 0.9, bits: 4, huffman: false }),
    normalizeConfig({ sparsity: { fc1: 0.9 }, clusters: 'fc1:4', distill: true, epochs: 6 }),
    normalizeConfig({ width: 0.5, separable: 'conv2', factorize: 'conv1', clusters: 'conv:16,dense:4', epochs: 3 }),
    normalizeConfig({}),
  ];
  for (const config of configs) {
    it(JSON.stringify(config), async () => {
      const recipe = recipeFor(config, 'my models/base', 7, 'out/best.snn');
      const steps = commands(recipe);
      const compress = await parse(steps.at(-1)!);
      expect(compress.flags['threads']).toBe(1);
      expect(compress.flags['out']).toBe('out/best.snn');
      expect({ ...recipeFromFlags(compress.flags as Parameters<typeof recipeFromFlags>[0]), seed: compress.flags['seed'], progress: false })
        .toEqual(compressOptionsFor(config, 7));
      if (steps.length === 2) {
        const restructure = await parse(steps[0]!);
        expect(restructure.args).toEqual(['my models/base']);
        expect(compress.args).toEqual([restructure.flags['out']]);
        const plan = restructureOptionsFor(config, 7);
        expect(restructure.flags).toMatchObject({ epochs: plan.epochs, seed: 7, threads: 1, ...(plan.width ? { width: plan.width } : {}) });
        expect(restructure.flags['separable']).toEqual(plan.separable);
        expect(restructure.flags['factorize']).toEqual(plan.factorize);
      } else {
        expect(compress.args).toEqual(['my models/base']);
      }
    });
  }
});
