/**
 * The `smallnets` command line. Parsing and help come from commander; every command lives in its
 * own file and registers itself here. Errors become one line on stderr and an exit code:
 * 2 for usage errors (bad flags or values), 1 for runtime failures; stack traces only with --debug.
 */
import { Command, CommanderError } from 'commander';
import { RuntimeError, UsageError } from '../errors.js';
import { messageWithFlags } from './flag-names.js';
import { register as registerTrain } from './train.js';
import { register as registerEvaluate } from './evaluate.js';
import { register as registerDemo } from './demo.js';
import { register as registerSummary } from './summary.js';
import { register as registerDecompress } from './decompress.js';
import { register as registerCompress } from './compress.js';
import { register as registerExport } from './export.js';
import { register as registerPrune } from './prune.js';
import { register as registerSensitivity } from './sensitivity.js';
import { register as registerRestructure } from './restructure.js';
import { register as registerPredict } from './predict.js';
import { register as registerQuantize } from './quantize.js';
import { register as registerCluster } from './cluster.js';
import { register as registerServe } from './serve.js';
import { register as registerBench } from './bench.js';

export function buildProgram(): Command {
  const program = new Command('smallnets')
    .description('Make convolutional neural networks smaller and faster: prune, quantize, cluster, restructure, measure.')
    .exitOverride()
    // Before the subcommands exist, so they inherit it: one line, our prefix.
    .configureOutput({
      writeErr: (text) => process.stderr.write(text),
      outputError: (text, write) => write(text.split('\n')[0]!.replace(/^error: /, 'smallnets: ') + '\n'),
    });
  registerTrain(program);
  registerEvaluate(program);
  registerDemo(program);
  registerSummary(program);
  registerCompress(program);
  registerDecompress(program);
  registerExport(program);
  registerPrune(program);
  registerSensitivity(program);
  registerRestructure(program);
  registerPredict(program);
  registerQuantize(program);
  registerCluster(program);
  registerServe(program);
  registerBench(program);
  program.commands.forEach((cmd) => cmd.exitOverride());
  return program;
}

/** Run the CLI with `argv` (without node and script); resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  const program = buildProgram();
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
