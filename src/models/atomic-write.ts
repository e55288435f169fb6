/**
 * Outputs are never half-written: every file or directory is written under a temporary sibling
 * name and renamed into place, and an existing output is only replaced when the caller forces it.
 * The checks run before any work, so a bad `out` fails in a second, not after an hour of training.
 */
import { mkdir, rename, rm, stat, writeFile, readdir, access } from 'node:fs/promises';
import { constants as fsConstants } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';

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
  try {
    await access(probeParent, fsConstants.W_OK);
    await mkdir(probe);
  } catch {
    throw new UsageError(`\`out\` ${dir} is not writable (cannot create files in ${probeParent})`, { option: 'out' });
  }
  await rm(probe, { recursive: true, force: true });
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

/** Write files into `dir` atomically: all appear at once, or none do. */
export async function writeDirAtomic(dir: string, files: Record<string, Uint8Array | string>, force = false): Promise<void> {
  const target = path.resolve(dir);
  await checkOutDir(target, force);
  await mkdir(path.dirname(target), { recursive: true });
  const temp = `${target}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(temp);
  try {
    for (const [name, data] of Object.entries(files)) await writeFile(path.join(temp, name), data);
    let old: string | undefined;
    try {
      await stat(target);
      old = `${target}.old-${process.pid}-${Date.now()}`;
      await rename(target, old);
    } catch {
      old = undefined;
    }
    await rename(temp, target);
    if (old) await rm(old, { recursive: true, force: true });
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}

/** Write a file atomically (temp file + rename). */
export async function writeFileAtomic(file: string, data: Uint8Array | string): Promise<void> {
  const target = path.resolve(file);
  const temp = `${target}.tmp-${process.pid}-${Date.now()}`;
  try {
    await writeFile(temp, data);
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
