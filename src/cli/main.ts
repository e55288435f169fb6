/**
 * The `smallnets` command line. Parsing and help come from commander; every command lives in its
 * own file and registers itself here. Errors become one line on stderr and an exit code:
 * 2 for usage errors (bad flags or values), 1 for runtime failures; stack traces only with --debug.
 *
 * Only the command being run is loaded (command-list.ts), and command files load TF.js inside
 * their action, so `--help`, `--version` and typos answer fast (startup.test.ts keeps it so).
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, type Help, type Option } from 'commander';
import { RuntimeError, UsageError } from '../errors.js';
import { messageWithFlags } from './flag-names.js';
import { COMMANDS } from './command-list.js';

/** The package version (package.json sits two folders up from both src/cli and dist/cli). */
export function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

/**
 * One style for every option's extra facts: "(required)", "(choices: …)", "(default: …)". A
 * default that is not a fixed value (out/<model>-pruned, "from the model family") is shown from
 * its description alone.
 */
function optionDescription(option: Option): string {
  const extra: string[] = [];
  if (option.mandatory) extra.push('required');
  if (option.argChoices) extra.push(`choices: ${option.argChoices.join(', ')}`);
  const fixed = option.defaultValue !== undefined && !(option.negate || (option.isBoolean() && option.defaultValue === false));
  if (option.defaultValueDescription !== undefined) extra.push(`default: ${option.defaultValueDescription}`);
  else if (fixed) extra.push(`default: ${typeof option.defaultValue === 'string' ? option.defaultValue : JSON.stringify(option.defaultValue)}`);
  return extra.length > 0 ? `${option.description} (${extra.join('; ')})` : option.description;
}

/**
 * The program for `argv`: every command is listed (name, arguments, summary), but only the one
 * being run — or asked for with `help <command>` — has its module loaded and registered in full.
 */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('smallnets')
    .description('Make convolutional neural networks smaller and faster: prune, quantize, cluster, restructure, measure.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureHelp({ optionDescription, sortSubcommands: false } as Partial<Help>)
    // Before the subcommands exist, so they inherit it: our prefix, and commander's message with its
    // suggestion ("(Did you mean train?)") on one line.
    .configureOutput({
      writeErr: (text) => process.stderr.write(text),
      outputError: (text, write) => write(`${text.trim().replace(/^error: /, 'smallnets: ').replace(/\s*\n\s*/g, ' ')}\n`),
    });
  program.addHelpText('after', '\nRun `smallnets <command> --help` for a command\'s flags and examples.\n');
  const first = argv.findIndex((a) => !a.startsWith('-'));
  const wanted = argv[first] === 'help' ? argv[first + 1] : argv[first];
  for (const entry of COMMANDS) {
    if (entry.name === wanted) {
      (await entry.load()).register(program);
      program.commands.at(-1)!.summary(entry.summary);
    } else {
      program.command(entry.name).summary(entry.summary).arguments(entry.args);
    }
  }
  program.commands.forEach((cmd) => cmd.exitOverride());
  return program;
}

/** Run the CLI with `argv` (without node and script); resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  const program = await buildProgram(argv);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    return reportError(error, debug);
  }
}

function reportError(error: unknown, debug: boolean): number {
  if (error instanceof CommanderError) {
    // Help and version requests end through here too (exit code 0; bare `smallnets` shows help).
    if (error.exitCode === 0) return 0;
    return 2; // commander already printed its one-line message
  }
  const line = error instanceof Error ? error.message.split('\n')[0]! : String(error);
  // Library messages name options in backticks; the user typed flags.
  const namesOptions = error instanceof UsageError || (error instanceof RuntimeError && error.option !== undefined);
  const message = namesOptions ? messageWithFlags(line) : line;
  process.stderr.write(`smallnets: ${message}\n`);
  if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  // UsageError → 2; RuntimeError and anything unexpected → 1.
  return error instanceof UsageError ? 2 : 1;
}
