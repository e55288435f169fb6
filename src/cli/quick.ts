/**
 * SMALLNETS_QUICK=1: a quick try of any command (and what the README test runs). Every training
 * runs at most one epoch on the first 1,000 training images, and accuracy is measured on the first
 * 500 test images — the commands and files are the real ones, the accuracies are not the README's.
 */
import type { Command } from 'commander';
import { UsageError } from '../errors.js';

export const QUICK_ENV = 'SMALLNETS_QUICK';
export const QUICK_LIMITS = { epochs: 1, trainImages: 1000, testImages: 500 } as const;

/** Whether quick mode is on: `1` on, unset/empty/`0` off, anything else a usage error. */
export function quickMode(env: NodeJS.ProcessEnv = process.env): boolean {
  const text = env[QUICK_ENV];
  if (text === undefined || text === '' || text === '0') return false;
  if (text === '1') return true;
  throw new UsageError(`${QUICK_ENV} must be 1 or 0, got ${JSON.stringify(text)}`);
}

/**
 * In quick mode, every epoch count the command has (given or defaulted: --epochs,
 * --fine-tune-epochs) is at most one; a note says so. Post-training quantization has none to cap.
 */
export function capEpochs(cmd: Command, options: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): void {
  if (!quickMode(env) || options['ptq'] === true) return;
  const cap = QUICK_LIMITS.epochs;
  for (const key of ['epochs', 'fineTuneEpochs']) {
    if (!cmd.options.some((o) => o.attributeName() === key)) continue;
    const value = options[key];
    options[key] = typeof value === 'number' ? Math.min(value, cap) : cap;
  }
  process.stderr.write(`note: ${QUICK_ENV}=1: at most ${cap} epoch on ${QUICK_LIMITS.trainImages.toLocaleString('en-US')} training images, accuracy on ${QUICK_LIMITS.testImages}\n`);
}

/** The data limits quick mode puts on every command's training and test images (undefined: none). */
export function quickDataLimit(env: NodeJS.ProcessEnv = process.env): { train: number; test: number } | undefined {
  return quickMode(env) ? { train: QUICK_LIMITS.trainImages, test: QUICK_LIMITS.testImages } : undefined;
}
