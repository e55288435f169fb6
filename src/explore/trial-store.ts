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
import { closeSync, fsyncSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { mkdir, readFile, rm, stat, truncate, readdir } from 'node:fs/promises';
import path from 'node:path';
import { RuntimeError, UsageError } from '../errors.js';
import { writeFileAtomic } from '../models/atomic-write.js';
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
    const text = await readFile(trialsPath, 'utf8').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return '';
      throw new RuntimeError(`cannot read ${trialsPath}: ${e.code ?? e.message}`);
    });
    const { records, skipped, tornTail } = parseTrialLog(text);
    if (tornTail) {
      // Cut the half-written line so the next append starts on a line of its own.
      await truncate(trialsPath, Buffer.byteLength(text.slice(0, text.lastIndexOf('\n') + 1)));
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

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One explore per directory: `explore.lock` holds the owner's pid (created exclusively). A lock
 * whose process is gone (a run killed with kill -9) is taken over. Returns the release function,
 * also run when the process exits.
 */
function acquireLock(dir: string, note: (message: string) => void): () => void {
  const file = path.join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off('exit', release);
        rmSync(file, { force: true });
      };
      process.on('exit', release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new RuntimeError(`cannot lock ${file}: ${(error as Error).message}`);
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && processAlive(pid)) {
        throw new UsageError(`\`out\` ${dir} is in use by another explore (pid ${pid}); wait for it or stop it`, { option: 'out' });
      }
      note(`${LOCK_FILE}: taking over from a run that ended without releasing it (pid ${pid || '?'})`);
      rmSync(file, { force: true });
    }
  }
  throw new RuntimeError(`cannot lock ${file}`);
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

async function readSpaceFile(dir: string): Promise<SpaceFile | undefined> {
  const file = path.join(dir, SPACE_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as SpaceFile;
    if (parsed?.version !== 1 || typeof parsed.hash !== 'string') throw new Error('no version/hash');
    return parsed;
  } catch {
    throw new RuntimeError(`${file} is not a smallnets exploration file (remove it or pass a new --out)`);
  }
}

function describeDifference(a: SpaceFile, b: SpaceFile): string {
  const diffs: string[] = [];
  if (JSON.stringify(a.space) !== JSON.stringify(b.space)) diffs.push(`space ${String(a.space['name'])} vs ${String(b.space['name'])}`);
  if (a.model?.sha256 !== b.model.sha256) diffs.push(`model ${a.model?.location} vs ${b.model.location}`);
  if (a.seed !== b.seed) diffs.push(`seed ${a.seed} vs ${b.seed}`);
  if (JSON.stringify(a.data) !== JSON.stringify(b.data)) diffs.push(`data ${JSON.stringify(a.data)} vs ${JSON.stringify(b.data)}`);
  return diffs.join('; ') || 'different settings';
}
