/**
 * Library error messages name options in backticks by their library names (`epochs`,
 * `learningRate`); on the command line the same option is a flag (--epochs, --lr). One table maps
 * the names whose flag is not simply the kebab-cased option name.
 */
const FLAG_OF: Readonly<Record<string, string>> = {
  learningRate: '--lr',
  maxShift: '--shift',
  // One name per concept across commands: compress's pruning fraction is --sparsity as in prune;
  // distillation's loss weight is --teacher-weight (MobileNet's α is the width multiplier).
  prune: '--sparsity',
  alpha: '--teacher-weight',
  pruneEpochs: '--epochs',
};

/** The CLI flag for a library option name: the table, else `--` + kebab-case. */
export function flagFor(option: string): string {
  return FLAG_OF[option] ?? `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** A library message as the CLI shows it: every backticked option name becomes its flag. */
export function messageWithFlags(message: string): string {
  return message.replace(/`([A-Za-z][A-Za-z0-9]*)`/g, (_, name: string) => flagFor(name));
}
