/**
 * How a command is declared: commander for parsing and --help, plus the conventions every command
 * shares (--json result line, --seed, --backend, --debug). A command's action returns its result
 * object; `main` prints it as the last stdout line when --json is given.
 */
import { Command, Option } from 'commander';
import { initBackend, BACKENDS } from '../engine/backend.js';
import { emitJson } from './output.js';
import { nonNegativeInt, oneOf, type CommonOptions } from './options.js';

export type Action<O> = (args: string[], options: O & CommonOptions) => Promise<Record<string, unknown>>;

/** Add a subcommand with the shared flags; `action` gets positional args and parsed options. */
export function addCommand<O>(program: Command, name: string, describe: (cmd: Command) => Command, action: Action<O>): Command {
  const cmd = describe(program.command(name));
  cmd
    .option('--json', 'print the result as one JSON object on the last stdout line')
    .option('--seed <n>', 'random seed (makes runs reproducible)', nonNegativeInt('--seed'))
    .addOption(new Option('--backend <name>', 'TF.js backend').argParser(oneOf('--backend', BACKENDS)).default('wasm'))
    .option('--debug', 'print stack traces for errors')
    .action(async (...received: unknown[]) => {
      // commander passes positional args, then the options object, then the command.
      const command = received[received.length - 1] as Command;
      const options = command.opts() as O & CommonOptions;
      const args = received.slice(0, -2).flat() as string[];
      await initBackend(options.backend ?? 'wasm');
      const result = await action(args, options);
      if (options.json) emitJson(result);
    });
  return cmd;
}
