/**
 * How a command is declared: commander for parsing and --help, plus the conventions every command
 * shares (--json result line, --seed, --backend, --debug, and --format where a table is the
 * result). A command's action returns its result object; it is printed as the one stdout line
 * when --json is given.
 *
 * Command files stay light: TF.js and the library load inside the action (dynamic imports), so
 * `--help` and `--version` answer without loading them.
 */
import type { Command } from 'commander';
import { BACKENDS } from '../engine/backend-names.js';
import { TABLE_FORMATS, type TableFormat } from '../analysis/text-table.js';
import { configureOutput, emitJson } from './output.js';
import { choiceOption, nonNegativeInt, type CommonOptions } from './options.js';
import { UsageError } from '../errors.js';
import { capEpochs } from './quick.js';

export type Action<O> = (args: string[], options: O & CommonOptions) => Promise<Record<string, unknown>>;

export interface CommandTraits {
  /** The result is a table: add `--format table|markdown|csv`. */
  table?: boolean;
  /** The command trains: add `--threads 1|2` (default 2: each batch split with a worker thread). */
  trains?: boolean;
  /**
   * The command reads a model: it is the first positional argument (described by this text), with
   * `--model` as an alias; the action finds it in `options.model`.
   */
  model?: string;
}

/** Where a command's model comes from: the first positional argument, or --model. */
export function takeModel(args: readonly (string | undefined)[], flag: string | undefined): { model: string; rest: string[] } {
  const given = args.filter((a): a is string => a !== undefined);
  if (flag !== undefined) return { model: flag, rest: given };
  if (given.length === 0) throw new UsageError('missing model: give it as the first argument (or --model)');
  return { model: given[0]!, rest: given.slice(1) };
}

/** Add a subcommand with the shared flags; `action` gets positional args and parsed options. */
export function addCommand<O>(
  program: Command,
  name: string,
  describe: (cmd: Command) => Command,
  action: Action<O>,
  traits: CommandTraits = {},
): Command {
  const cmd = program.command(name);
  if (traits.model !== undefined) {
    cmd.argument('[model]', traits.model).option('--model <path>', 'the model, as a flag (same as the first argument)');
  }
  describe(cmd);
  if (traits.trains) {
    const threads = choiceOption('--threads <n>', 'threads to train on: 2 splits each batch with a worker thread', ['1', '2'] as const);
    const parse = threads.parseArg!;
    cmd.addOption(threads.argParser((value: string, previous: unknown) => Number(parse(value, previous))).default(2));
  }
  if (traits.table) {
    cmd.addOption(choiceOption('--format <form>', 'how tables are printed', TABLE_FORMATS).default('table'));
  }
  cmd
    .option('--json', 'print only the result, as one JSON line on stdout (tables and notes go to stderr)')
    .option('--seed <n>', 'random seed (makes runs reproducible)', nonNegativeInt('--seed'))
    .addOption(choiceOption('--backend <name>', 'TF.js backend', BACKENDS).default('wasm'))
    .option('--debug', 'print stack traces for errors')
    .action(async (...received: unknown[]) => {
      // commander passes positional args, then the options object, then the command.
      const command = received[received.length - 1] as Command;
      const options = command.opts() as O & CommonOptions & { format?: TableFormat };
      let args = received.slice(0, -2).flat() as string[];
      if (traits.model !== undefined) {
        const { model, rest } = takeModel(args, (options as { model?: string }).model);
        (options as { model?: string }).model = model;
        args = rest;
      }
      configureOutput({ json: options.json, format: options.format });
      const { initBackend } = await import('../engine/backend.js');
      await initBackend(options.backend ?? 'wasm');
      if (traits.trains) {
        capEpochs(cmd, options as Record<string, unknown>);
        const { setTrainingThreads } = await import('../training/train.js');
        setTrainingThreads((options as { threads?: number }).threads === 1 ? 1 : 2);
      }
      const result = await action(args, options);
      if (options.json) emitJson(result);
    });
  return cmd;
}

/** Add an "Examples:" section to a command's --help. */
export function examples(cmd: Command, lines: readonly string[]): Command {
  return cmd.addHelpText('after', `\nExamples:\n${lines.map((l) => `  $ smallnets ${l}`).join('\n')}\n`);
}
