/**
 * Outputs are never half-written: every file or directory is written under a temporary sibling
 * name and renamed into place, and an existing output is only replaced when the caller forces it.
 * The checks run before any work, so a bad `out` fails in a second, not after an hour of training —
 * and again under the output's lock when it is written, so two processes never mix their outputs.
 * A signal during the write leaves the previous output as it was and no temporary file behind.
 */
import { mkdir, rename, rm, stat, writeFile, readdir, access } from 'node:fs/promises';
import { constants as fsConstants, existsSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { withInterruptCleanup } from './interrupt-cleanup.js';
import { acquireOutLock } from './out-lock.js';

/** Refuse an existing output file (without force), a directory, or an unwritable location. */
export async function checkOutFile(file: string, force = false): Promise<void> {
  const resolved = path.resolve(file);
  const info = await stat(resolved).catch(() => undefined);
  if (info?.isDirectory()) throw new UsageError(`\`out\` ${file} is a directory; give a file name like model.onnx`, { option: 'out' });
  if (info && !force) throw new UsageError(`\`out\` ${file} exists (pass \`force\` to replace it)`, { option: 'out' });
  let dir = path.dirname(resolved);
  while (!(await stat(dir).catch(() => undefined))) dir = path.dirname(dir);
  try {
    await access(dir, fsConstants.W_OK);
  } catch {
    throw new UsageError(`\`out\` ${file} is not writable (cannot create files in ${dir})`, { option: 'out' });
  }
}

/** Refuse an output directory before doing any work: non-empty without force, or not creatable. */
export async function checkOutDir(dir: string, force = false): Promise<void> {
  const resolved = path.resolve(dir);
  let info;
  try {
    info = await stat(resolved);
  } catch {
    info = undefined;
  }
  if (info) {
    if (!info.isDirectory()) throw new UsageError(`\`out\` ${dir} exists and is not a directory`, { option: 'out' });
    const entries = await readdir(resolved);
    if (entries.length > 0 && !force) throw new UsageError(`\`out\` ${dir} exists and is not empty (pass \`force\` to replace it)`, { option: 'out' });
  }
  const parent = await nearestExistingAncestor(path.dirname(resolved));
  // Permission bits do not tell root (or special filesystems like /proc) the truth: probe for real
  // by creating and removing a temporary sibling where the output will be written.
  const probeParent = info ? path.dirname(resolved) : parent;
  const probe = path.join(probeParent, `.smallnets-probe-${process.pid}-${Date.now()}`);
  // The probe is a temporary file like any other: a signal while it exists removes it first.
  await withInterruptCleanup(
    () => rmSync(probe, { recursive: true, force: true }),
    async () => {
      try {
        await access(probeParent, fsConstants.W_OK);
        await mkdir(probe);
      } catch {
        throw new UsageError(`\`out\` ${dir} is not writable (cannot create files in ${probeParent})`, { option: 'out' });
      } finally {
        await rm(probe, { recursive: true, force: true });
      }
    },
  );
}

async function nearestExistingAncestor(dir: string): Promise<string> {
  let current = dir;
  for (;;) {
    try {
      if ((await stat(current)).isDirectory()) return current;
      throw new UsageError(`\`out\` parent ${current} is not a directory`, { option: 'out' });
    } catch (error) {
      if (error instanceof UsageError) throw error;
      const up = path.dirname(current);
      if (up === current) return current;
      current = up;
    }
  }
}

interface WriteState {
  /** The temporary sibling being filled, until it is renamed into place. */
  temp?: string;
  /** The previous output, moved aside until the new one is in place. */
  old?: string;
  release?: () => void;
}

/**
 * Undo a write in progress, synchronously (also from a signal or exit handler): the temporary
 * sibling goes, an old output moved aside comes back unless the new one is already whole in its
 * place, and the lock is released.
 */
function undoWrite(target: string, state: WriteState): void {
  const { temp, old, release } = state;
  state.temp = state.old = state.release = undefined;
  // Each step on its own: one failing must not keep the others from running. Retries, because an
  // asynchronous write still in flight in libuv's pool can add a file while the directory is removed.
  const attempt = (step: () => void): void => {
    try {
      step();
    } catch {
      // nothing more can be done from here
    }
  };
  if (temp) attempt(() => rmSync(temp, { recursive: true, force: true, maxRetries: 10, retryDelay: 20 }));
  if (old) attempt(() => (existsSync(target) ? rmSync(old, { recursive: true, force: true, maxRetries: 10, retryDelay: 20 }) : renameSync(old, target)));
  if (release) attempt(release);
}

const tempName = (target: string, kind: 'tmp' | 'old'): string => `${target}.${kind}-${process.pid}-${Date.now()}`;

/** An output that appeared between the early check and the write: another process wrote it. */
function writtenMeanwhile(target: string): UsageError {
  return new UsageError(`\`out\` ${target} was written by another process while this one ran (pass \`force\` to replace it)`, { option: 'out' });
}

/**
 * Run one write of `target`: under its lock (./out-lock.ts), with the undo steps armed for a
 * signal (./interrupt-cleanup.ts) and run on any error, the lock released at the end.
 */
async function lockedWrite(target: string, write: (state: WriteState, checkpoint: () => void) => Promise<void>): Promise<void> {
  await mkdir(path.dirname(target), { recursive: true });
  const state: WriteState = {};
  await withInterruptCleanup(
    () => undoWrite(target, state),
    async (checkpoint) => {
      try {
        state.release = await acquireOutLock(target);
        checkpoint();
        await write(state, checkpoint);
      } finally {
        // After success only the old output and the lock are left; after an error or a signal, all.
        undoWrite(target, state);
      }
    },
  );
}

/**
 * Write files into `dir` atomically: all appear at once, or none do. Two processes writing the same
 * `dir` never mix: one holds the lock, the other fails naming it; without `force`, an output that
 * another process wrote while this one ran is refused, not replaced.
 */
export async function writeDirAtomic(dir: string, files: Record<string, Uint8Array | string>, force = false): Promise<void> {
  const target = path.resolve(dir);
  await checkOutDir(target, force);
  await lockedWrite(target, async (state, checkpoint) => {
    if (!force && (await readdir(target).catch(() => [])).length > 0) throw writtenMeanwhile(dir);
    state.temp = tempName(target, 'tmp');
    await mkdir(state.temp);
    for (const [name, data] of Object.entries(files)) {
      checkpoint();
      await writeFile(path.join(state.temp, name), data);
    }
    checkpoint();
    if (existsSync(target)) {
      state.old = tempName(target, 'old');
      await rename(target, state.old);
      checkpoint();
    }
    await rename(state.temp, target);
    state.temp = undefined;
    // The new output is whole in place: the old one (if any) is removed by undoWrite.
  });
}

/**
 * Write a file atomically (temp file + rename), under the output's lock. `force: false` refuses a
 * file that exists by the time it is written; by default an existing file is replaced (commands
 * check `--out` up front and pass the user's `--force`).
 */
export async function writeFileAtomic(file: string, data: Uint8Array | string, options: { force?: boolean } = {}): Promise<void> {
  const target = path.resolve(file);
  await lockedWrite(target, async (state, checkpoint) => {
    if (options.force === false && existsSync(target)) throw writtenMeanwhile(file);
    state.temp = tempName(target, 'tmp');
    await writeFile(state.temp, data);
    checkpoint();
    await rename(state.temp, target);
    state.temp = undefined;
  });
}
