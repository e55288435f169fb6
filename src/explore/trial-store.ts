/**
 * The embedded trial store: one directory per exploration (CONTRACTS.md).
 *
 * - `space.json`: what the exploration runs (space, base model hash, seed, data) and its hash; a
 *   different identity in the same directory is refused unless forced.
 * - `trials.jsonl`: append-only, one record per line. Each record is one `write` of a whole line
 *   followed by `fsync`, after its artifact was renamed into place; so a run killed at any moment
 *   (kill -9 included) leaves at most a torn last line, which reopening detects, reports and cuts
 *   off. Records are never rewritten; a key already present is never appended again.
 * - `artifacts/KEY.snn`: each trial's file, written to a temporary name and renamed.
 */
import { closeSync, fsyncSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { mkdir, readFile, rm, stat, truncate, readdir } from 'node:fs/promises';
import path from 'node:path';
import { RuntimeError, UsageError } from '../errors.js';
import { writeFileAtomic } from '../models/atomic-write.js';
import { releaseOnInterrupt } from '../models/interrupt-cleanup.js';
import { createPidFile, processAlive } from '../models/out-lock.js';
import { parseTrialLog, type TrialRecord } from './trial-record.js';
import { sha256Hex } from './trial-key.js';

export const SPACE_FILE = 'space.json';
export const LOCK_FILE = 'explore.lock';
export const TRIALS_FILE = 'trials.jsonl';
export const ARTIFACTS_DIR = 'artifacts';

/** What makes two runs the same exploration (so their trials may share a store). */
export interface ExplorationIdentity {
  space: Record<string, unknown>;
  model: { location: string; sha256: string; params: number };
  seed: number;
  data: { name: string; train: number; test: number };
}

export interface SpaceFile extends ExplorationIdentity {
  version: 1;
  /** SHA-256 of the identity's canonical JSON. */
  hash: string;
}

export function identityHash(identity: ExplorationIdentity): string {
  const { space, model, seed, data } = identity;
  return sha256Hex(JSON.stringify({ space, model: { sha256: model.sha256 }, seed, data }));
}

export interface OpenStoreOptions {
  /** Replace an existing exploration of a different space (its trials are deleted). */
  force?: boolean;
  /** Told about anything repaired or skipped on opening. */
  note?: (message: string) => void;
}

/**
 * An opened store. Only one process appends to a store at a time (the `explore` that opened it);
 * queue workers send results back to it rather than writing here.
 */
export class TrialStore {
  private readonly byKey = new Map<string, TrialRecord>();

  private constructor(readonly dir: string, readonly identity: SpaceFile, records: TrialRecord[], private readonly release: () => void) {
    for (const r of records) this.byKey.set(r.key, r);
  }

  /**
   * Open (or create) the store in `dir` for `identity`. Resuming keeps every valid record; a torn
   * last line is cut off; a different exploration is refused unless `force`.
   */
  static async open(dir: string, identity: ExplorationIdentity, options: OpenStoreOptions = {}): Promise<TrialStore> {
    const note = options.note ?? (() => {});
    const info = await stat(dir).catch(() => undefined);
    if (info && !info.isDirectory()) throw new UsageError(`\`out\` ${dir} exists and is not a directory`, { option: 'out' });
    const file: SpaceFile = { version: 1, ...identity, hash: identityHash(identity) };
    const existing = await readSpaceFile(dir);
    if (existing === undefined && info && (await readdir(dir)).length > 0 && !options.force) {
      throw new UsageError(`\`out\` ${dir} is not empty and holds no exploration (pass \`force\` to use it anyway)`, { option: 'out' });
    }
    // Lock before changing anything: a second explore on the same directory must not touch it.
    await mkdir(dir, { recursive: true });
    const release = acquireLock(dir, note);
    try {
      return await TrialStore.openLocked(dir, file, existing, options, note, release);
    } catch (error) {
      release();
      throw error;
    }
  }

  private static async openLocked(
    dir: string, file: SpaceFile, existing: SpaceFile | undefined, options: OpenStoreOptions, note: (message: string) => void, release: () => void,
  ): Promise<TrialStore> {
    if (existing && existing.hash !== file.hash) {
      if (!options.force) {
        throw new UsageError(
          `\`out\` ${dir} holds another exploration (${describeDifference(existing, file)}); give a new \`out\` or pass \`force\` to replace its trials`,
          { option: 'out' },
        );
      }
      note(`replacing the exploration in ${dir} (${describeDifference(existing, file)})`);
      await rm(path.join(dir, TRIALS_FILE), { force: true });
      await rm(path.join(dir, ARTIFACTS_DIR), { recursive: true, force: true });
    }
    await mkdir(path.join(dir, ARTIFACTS_DIR), { recursive: true });
    // Temporary files of writes a killed run never renamed into place.
    for (const name of await readdir(path.join(dir, ARTIFACTS_DIR))) {
      if (/\.tmp-\d+-\d+$/.test(name)) await rm(path.join(dir, ARTIFACTS_DIR, name), { force: true });
    }
    if (!existing || existing.hash !== file.hash) await writeFileAtomic(path.join(dir, SPACE_FILE), `${JSON.stringify(file, null, 2)}\n`);
    const trialsPath = path.join(dir, TRIALS_FILE);
    const bytes = await readBounded(trialsPath, MAX_TRIAL_LOG_BYTES);
    const { records, skipped, tornTail } = parseTrialLog(bytes.toString('utf8'));
    if (tornTail) {
      // Cut the half-written line so the next append starts on a line of its own. The cut is found in
      // the bytes: a torn write can end inside a UTF-8 sequence, and bytes that are not UTF-8 decode
      // to U+FFFD, so lengths measured on the decoded text would cut in the wrong place.
      await truncate(trialsPath, bytes.lastIndexOf(0x0a) + 1);
      note(`${TRIALS_FILE}: ignored a half-written last record (the previous run was interrupted)`);
    }
    const invalid = skipped - (tornTail ? 1 : 0);
    if (invalid > 0) note(`${TRIALS_FILE}: ignored ${invalid} invalid or repeated line${invalid === 1 ? '' : 's'}`);
    const kept: TrialRecord[] = [];
    for (const r of records) {
      if (r.artifact !== undefined && !(await stat(path.join(dir, r.artifact)).catch(() => undefined))) {
        note(`trial ${r.key}: artifact ${r.artifact} is missing; the record is kept`);
      }
      kept.push(r);
    }
    return new TrialStore(dir, file, kept, release);
  }

  /** Give the directory back to other explore runs. */
  close(): void {
    this.release();
  }

  /** Every finished trial (done or failed), in log order. */
  records(): TrialRecord[] {
    return [...this.byKey.values()];
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  get(key: string): TrialRecord | undefined {
    return this.byKey.get(key);
  }

  /** Where a trial's artifact lives, relative to the store. */
  static artifactName(key: string): string {
    return `${ARTIFACTS_DIR}/${key}.snn`;
  }

  /**
   * Add a finished trial: its artifact first (atomically), then its record as one appended line.
   * A key already stored is ignored (returns false): delivery may repeat, results never count twice.
   */
  async add(record: TrialRecord, artifact?: Uint8Array): Promise<boolean> {
    if (this.byKey.has(record.key)) return false;
    const full: TrialRecord = { ...record };
    if (artifact) {
      full.artifact = TrialStore.artifactName(record.key);
      await writeFileAtomic(path.join(this.dir, full.artifact), artifact);
    }
    appendLine(path.join(this.dir, TRIALS_FILE), `${JSON.stringify(full)}\n`);
    this.byKey.set(full.key, full);
    return true;
  }
}

/**
 * One explore per directory: `explore.lock` holds the owner's pid (created exclusively). A lock
 * whose process is gone (a run killed with kill -9) is taken over. Returns the release function,
 * also run when the process exits and on SIGINT/SIGTERM (models/interrupt-cleanup.ts).
 */
function acquireLock(dir: string, note: (message: string) => void): () => void {
  const file = path.join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      createPidFile(file); // never exists empty: an empty lock read by a racer looked stale
      let released = false;
      // Ctrl-C or SIGTERM while explore waits on its trials removes the lock before the process ends.
      const disarm = releaseOnInterrupt(() => release());
      const release = () => {
        if (released) return;
        released = true;
        process.off('exit', release);
        disarm();
        rmSync(file, { force: true });
      };
      process.on('exit', release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new RuntimeError(`cannot lock ${file}: ${(error as Error).message}`);
      const pid = lockOwner(file);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid)) {
        throw new UsageError(`\`out\` ${dir} is in use by another explore (pid ${pid}); wait for it or stop it`, { option: 'out' });
      }
      note(`${LOCK_FILE}: taking over from a run that ended without releasing it (pid ${pid || '?'})`);
      try {
        rmSync(file, { force: true });
      } catch (e) {
        throw new RuntimeError(`cannot lock ${file}: ${(e as Error).message}`);
      }
    }
  }
  throw new RuntimeError(`cannot lock ${file}`);
}

/** The pid a lock file names (NaN when it is unreadable: a directory, garbage, gone). Reads 32 bytes at most. */
function lockOwner(file: string): number {
  try {
    const fd = openSync(file, 'r');
    try {
      const head = Buffer.alloc(32);
      return Number(head.subarray(0, readSync(fd, head, 0, 32, 0)).toString('latin1').trim());
    } finally {
      closeSync(fd);
    }
  } catch {
    return Number.NaN;
  }
}

/** One write of the whole line, then fsync: a crash leaves the line whole or torn at the end. */
function appendLine(file: string, line: string): void {
  const fd = openSync(file, 'a');
  try {
    const bytes = Buffer.from(line, 'utf8');
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The largest trials.jsonl a store opens (a record is a few KB: this is some 100,000 trials). */
export const MAX_TRIAL_LOG_BYTES = 256 * 2 ** 20;
/** The largest space.json a store opens (a space with per-layer knobs for thousands of layers). */
export const MAX_SPACE_FILE_BYTES = 16 * 2 ** 20;

/** A file's bytes (empty when it does not exist), refused before reading when larger than `max`. */
async function readBounded(file: string, max: number): Promise<Buffer> {
  const failed = (e: NodeJS.ErrnoException): never => {
    throw new RuntimeError(`cannot read ${file}: ${e.code ?? e.message}`);
  };
  const info = await stat(file).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : failed(e)));
  if (!info) return Buffer.alloc(0);
  if (!info.isFile()) throw new RuntimeError(`${file} is not a file`);
  if (info.size > max) throw new RuntimeError(`${file} is ${info.size} bytes, more than the ${max} a store opens`);
  return readFile(file).catch(failed);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Validate the text of a space.json (untrusted: anyone may have edited it): its fields are only
 * compared and printed, but each must have the type the comparison assumes.
 *
 * @example
 * const existing = parseSpaceFile(await readFile('out/x/space.json', 'utf8'), 'out/x/space.json');
 */
export function parseSpaceFile(text: string, file: string): SpaceFile {
  const bad = (why: string) => new RuntimeError(`${file} is not a smallnets exploration file (${why}); remove it or pass a new --out`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw bad('not JSON');
  }
  if (!isObject(parsed)) throw bad('not an object');
  if (parsed['version'] !== 1) throw bad('version is not 1');
  const { hash, space, model, seed, data } = parsed;
  if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash)) throw bad('hash is not 64 hex digits');
  if (!isObject(space)) throw bad('space is not an object');
  if (!isObject(model) || typeof model['location'] !== 'string' || typeof model['sha256'] !== 'string' || typeof model['params'] !== 'number') {
    throw bad('model is not { location, sha256, params }');
  }
  if (typeof seed !== 'number') throw bad('seed is not a number');
  if (!isObject(data)) throw bad('data is not an object');
  return parsed as unknown as SpaceFile;
}

async function readSpaceFile(dir: string): Promise<SpaceFile | undefined> {
  const file = path.join(dir, SPACE_FILE);
  const bytes = await readBounded(file, MAX_SPACE_FILE_BYTES);
  if (bytes.length === 0 && !(await stat(file).catch(() => undefined))) return undefined;
  return parseSpaceFile(bytes.toString('utf8'), file);
}

/** A value of space.json for a one-line message: JSON, shortened. */
function shown(v: unknown): string {
  const text = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function describeDifference(a: SpaceFile, b: SpaceFile): string {
  const diffs: string[] = [];
  if (JSON.stringify(a.space) !== JSON.stringify(b.space)) diffs.push(`space ${shown(a.space['name'])} vs ${shown(b.space['name'])}`);
  if (a.model.sha256 !== b.model.sha256) diffs.push(`model ${shown(a.model.location)} vs ${shown(b.model.location)}`);
  if (a.seed !== b.seed) diffs.push(`seed ${a.seed} vs ${b.seed}`);
  if (JSON.stringify(a.data) !== JSON.stringify(b.data)) diffs.push(`data ${JSON.stringify(a.data)} vs ${JSON.stringify(b.data)}`);
  return diffs.join('; ') || 'different settings';
}
