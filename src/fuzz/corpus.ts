/**
 * The corpus of inputs that once crashed a target, under test/fuzz-corpus/NAME/ (libFuzzer's
 * practice): `npm run fuzz` saves every crashing input there, named by its hash, and the CI test
 * replays every file as a regression test, so a fixed crash stays fixed.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** test/fuzz-corpus in the repository (the same relative place from src/fuzz and dist/fuzz). */
export const CORPUS_ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'test', 'fuzz-corpus');

export function corpusDir(target: string, root = CORPUS_ROOT): string {
  return path.join(root, target);
}

/** Save a crashing input (if not already there); returns its path. */
export async function saveToCorpus(target: string, input: Uint8Array, root = CORPUS_ROOT): Promise<string> {
  const dir = corpusDir(target, root);
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${createHash('sha256').update(input).digest('hex').slice(0, 16)}.bin`);
  await writeFile(file, input);
  return file;
}

/** Every saved input of a target (none when its directory does not exist). */
export async function corpusInputs(target: string, root = CORPUS_ROOT): Promise<Array<{ file: string; bytes: Uint8Array }>> {
  const dir = corpusDir(target, root);
  const names = await readdir(dir).catch(() => [] as string[]);
  const inputs: Array<{ file: string; bytes: Uint8Array }> = [];
  for (const name of names.filter((n) => n.endsWith('.bin')).sort()) {
    inputs.push({ file: path.join(dir, name), bytes: new Uint8Array(await readFile(path.join(dir, name))) });
  }
  return inputs;
}
