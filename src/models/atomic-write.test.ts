import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { RuntimeError, UsageError } from '../errors.js';
import { writeDirAtomic, writeFileAtomic } from './atomic-write.js';
import { interruptCleanupArmed } from './interrupt-cleanup.js';
import { acquireOutLock, lockPath, processAlive } from './out-lock.js';

let root: string;

/** The pid of a process that has already exited. */
function deadPid(): number {
  return Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }));
}

describe('output locks and atomic writes', () => {
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'smallnets-atomic-'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('a lock holds the pid; a second taker fails naming the holder; release removes it', async () => {
    const target = path.join(root, 'locked');
    const release = await acquireOutLock(target);
    expect(await readFile(lockPath(target), 'utf8')).toBe(`${process.pid}\n`);
    await expect(acquireOutLock(target)).rejects.toThrow(`output ${target} is being written by this process right now (lock ${target}.lock)`);
    await expect(acquireOutLock(target)).rejects.toBeInstanceOf(RuntimeError);
    release();
    expect(await readdir(root)).not.toContain('locked.lock');
  });

  it('a stale lock (its process is gone, or its content is garbage) is taken over', async () => {
    const pid = deadPid();
    expect(processAlive(pid)).toBe(false);
    for (const [name, content] of [['stale', `${pid}\n`], ['garbage', 'not a pid']] as const) {
      const target = path.join(root, name);
      await writeFile(lockPath(target), content);
      const release = await acquireOutLock(target);
      expect(await readFile(lockPath(target), 'utf8')).toBe(`${process.pid}\n`);
      release();
    }
    expect((await readdir(root)).filter((n) => n.includes('.lock'))).toEqual([]);
  });

  it('a lock held by a live process is respected', async () => {
    const target = path.join(root, 'live');
    await writeFile(lockPath(target), `${process.ppid}\n`); // our parent is alive
    await expect(acquireOutLock(target)).rejects.toThrow(`is being written by process ${process.ppid} right now`);
    await rm(lockPath(target));
  });

  it('force: false refuses a file that exists by the time it is written; the default replaces it', async () => {
    const file = path.join(root, 'model.snn');
    await writeFileAtomic(file, 'first');
    await expect(writeFileAtomic(file, 'second', { force: false })).rejects.toThrow(UsageError);
    await expect(writeFileAtomic(file, 'second', { force: false })).rejects.toThrow('was written by another process while this one ran (pass `force` to replace it)');
    expect(await readFile(file, 'utf8')).toBe('first');
    await writeFileAtomic(file, 'second');
    expect(await readFile(file, 'utf8')).toBe('second');
    await writeFileAtomic(path.join(root, 'new', 'deep', 'x.bin'), 'made its parents');
    expect(interruptCleanupArmed()).toBe(false);
  });

  it('a write that fails part-way leaves the previous output as it was and nothing beside it', async () => {
    const dir = path.join(root, 'failing');
    await mkdir(dir);
    const target = path.join(dir, 'out');
    await writeDirAtomic(target, { 'a.txt': 'old' });
    // A file name the filesystem refuses makes the write fail after others were written.
    await expect(writeDirAtomic(target, { 'b.txt': 'new', 'bad\0name': 'x' }, true)).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['out']);
    expect(await readdir(target)).toEqual(['a.txt']);
    expect(interruptCleanupArmed()).toBe(false);
  });
});
