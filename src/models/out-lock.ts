/**
 * An exclusive lock on an output path while it is being written: `TARGET.lock`, holding the writer's pid from the
 * moment it exists (a hard link to a file written first: link fails when the lock exists, so exactly one process
 * creates it). A second process
 * writing the same output at the same time fails at once with a message naming the first one; the
 * result on disk is always one writer's whole output, never a mix.
 *
 * A lock whose process no longer exists (killed by SIGKILL, power loss) is stale and is taken over:
 * it is first renamed to a unique name, so of two processes taking over the same stale lock only one
 * succeeds, and if what was renamed turns out to be a live process's fresh lock it is put back.
 */
import { link, readFile, rename, rm } from 'node:fs/promises';
import { linkSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { RuntimeError } from '../errors.js';

/** The lock file of an output path. */
export function lockPath(target: string): string {
  return `${target}.lock`;
}

/** Whether a process with this pid exists (EPERM: it exists, owned by someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function owner(file: string): Promise<number | null> {
  const text = await readFile(file, 'utf8').catch(() => null);
  if (text === null) return null;
  const pid = Number.parseInt(text, 10);
  return Number.isInteger(pid) && pid > 0 ? pid : 0; // 0: unreadable content, treated as stale
}

function busy(target: string, pid: number): RuntimeError {
  const who = pid === process.pid ? 'this process' : `process ${pid}`;
  return new RuntimeError(`output ${target} is being written by ${who} right now (lock ${lockPath(target)}); try again when it has finished`);
}

/**
 * Create `file` holding this process's pid, or throw EEXIST: the pid goes into a private file first, which is then
 * hard-linked to `file` (link fails if `file` exists), so a lock never exists empty. Creating it with O_EXCL and
 * writing the pid after let a second writer read it empty in between, take it for a stale lock and remove it, and
 * then both processes wrote (atomic-write-processes.test.ts saw both writers succeed). Synchronous: a few small
 * file operations, also used for explore's directory lock.
 * @example createPidFile('/out/lenet5.lock');
 */
export function createPidFile(file: string): void {
  const mine = `${file}.new-${process.pid}-${Date.now()}`;
  writeFileSync(mine, `${process.pid}\n`, { flag: 'wx' });
  try {
    linkSync(mine, file);
  } finally {
    rmSync(mine, { force: true });
  }
}

/**
 * Take the lock of `target`; returns a synchronous release (safe to call from an exit handler).
 * @example
 * const release = await acquireOutLock('/out/lenet5');
 * try { ... } finally { release(); }
 */
export async function acquireOutLock(target: string): Promise<() => void> {
  const file = lockPath(target);
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      createPidFile(file);
      return () => {
        try {
          if (Number.parseInt(readFileSync(file, 'utf8'), 10) === process.pid) unlinkSync(file);
        } catch {
          // already gone
        }
      };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw new RuntimeError(`cannot create the lock ${file} for output ${target}: ${code ?? (error as Error).message}`);
    }
    const pid = await owner(file);
    if (pid === null) continue; // released meanwhile
    if (pid > 0 && processAlive(pid)) throw busy(target, pid);
    // Stale: move it aside under a name only we use, then make sure it was the stale one we moved.
    const aside = `${file}.stale-${process.pid}-${Date.now()}-${attempt}`;
    try {
      await rename(file, aside);
    } catch {
      continue; // someone else moved or released it first
    }
    const moved = await owner(aside);
    if (moved !== null && moved > 0 && moved !== pid && processAlive(moved)) {
      await link(aside, file).catch(() => undefined); // a live lock taken by mistake goes back
      await rm(aside, { force: true });
      throw busy(target, moved);
    }
    await rm(aside, { force: true });
  }
  throw new RuntimeError(`cannot lock output ${target}: ${file} keeps changing`);
}
