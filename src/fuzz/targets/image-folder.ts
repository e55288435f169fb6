/**
 * Fuzz target `image-folder`: the `--data DIR` reader (data/image-folder.ts loadImageFolder). An
 * input is a small directory tree packed as entries — directories, files and symbolic links by
 * relative path — which the target writes under a fresh temporary directory (in /dev/shm when there
 * is one) and reads back with `loadImageFolder` (8×8 gray, no validation split; the first byte
 * says whether `skipBad` is on). Seeds are folders of PNGs and JPEGs of a few classes, nested ones,
 * hidden files and stray files. Mutations know the tree: class folders emptied, renamed (hidden,
 * unicode, 255 bytes long), nested deeper, turned into files; images mutated by the png and jpeg
 * targets' own mutations, swapped for ones of another size, truncated or emptied; symbolic links
 * added that point at the folder itself, its parent, or nowhere (a loop must not hang the walk).
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initBackend } from '../../engine/backend.js';
import { RuntimeError } from '../../errors.js';
import { encodePng } from '../../data/image.js';
import { loadImageFolder } from '../../data/image-folder.js';
import { pick, randomInt } from '../mutate-bytes.js';
import type { FuzzTarget, Mutation, Random } from '../target.js';
import { jpegTarget } from './jpeg.js';
import { pngTarget } from './png.js';

type Entry = { kind: 'dir'; path: string } | { kind: 'file'; path: string; data: Uint8Array } | { kind: 'link'; path: string; target: string };

interface Tree {
  skipBad: boolean;
  entries: Entry[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** [u8 skipBad][u16 count] then per entry [u8 kind][u16 path length][path][u32 data length][data] (a link's data is its target). */
export function packTree(tree: Tree): Uint8Array {
  const parts: number[] = [tree.skipBad ? 1 : 0, tree.entries.length & 255, tree.entries.length >> 8];
  for (const e of tree.entries) {
    const name = encoder.encode(e.path);
    const data = e.kind === 'file' ? e.data : e.kind === 'link' ? encoder.encode(e.target) : new Uint8Array();
    parts.push(e.kind === 'dir' ? 0 : e.kind === 'file' ? 1 : 2, name.length & 255, name.length >> 8, ...name);
    parts.push(data.length & 255, (data.length >> 8) & 255, (data.length >> 16) & 255, data.length >>> 24, ...data);
  }
  return Uint8Array.from(parts);
}

/** The tree an input describes; anything past a malformed entry is ignored (so every input is a tree). */
export function unpackTree(b: Uint8Array): Tree {
  const tree: Tree = { skipBad: b[0] === 1, entries: [] };
  const count = (b[1] ?? 0) | ((b[2] ?? 0) << 8);
  let at = 3;
  for (let i = 0; i < count && at + 3 <= b.length; i++) {
    const kind = b[at]!;
    const length = b[at + 1]! | (b[at + 2]! << 8);
    const name = decoder.decode(b.subarray(at + 3, at + 3 + length));
    at += 3 + length;
    if (at + 4 > b.length) break;
    const size = b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24);
    const data = b.subarray(at + 4, Math.min(b.length, at + 4 + Math.max(0, size)));
    at += 4 + data.length;
    if (kind === 0) tree.entries.push({ kind: 'dir', path: name });
    else if (kind === 1) tree.entries.push({ kind: 'file', path: name, data });
    else tree.entries.push({ kind: 'link', path: name, target: decoder.decode(data) });
  }
  return tree;
}

const gray = (size: number, shade: number) => encodePng({ width: size, height: size, channels: 1, data: new Uint8Array(size * size).map((_, i) => (i * shade) & 255) });

async function seeds(): Promise<Uint8Array[]> {
  await initBackend('cpu'); // images of another size are resized with TF.js
  const png8 = gray(8, 3);
  const jpegs = jpegTarget.seeds() as Uint8Array[];
  const pngs = pngTarget.seeds() as Uint8Array[];
  const file = (p: string, data: Uint8Array): Entry => ({ kind: 'file', path: p, data });
  const dir = (p: string): Entry => ({ kind: 'dir', path: p });
  return [
    { skipBad: false, entries: [dir('cat'), dir('dog'), file('cat/a.png', png8), file('cat/b.png', gray(8, 7)), file('dog/a.png', gray(8, 11)), file('dog/b.png', gray(8, 13))] },
    { skipBad: true, entries: [dir('0'), dir('1'), dir('2'), file('0/x.jpg', jpegs[3]!), file('1/y.jpg', jpegs[3]!), file('2/z.jpg', jpegs[3]!), file('README.txt', encoder.encode('not an image'))] },
    { skipBad: true, entries: [dir('a'), dir('a/nested'), dir('b'), file('a/nested/1.png', pngs[3]!), file('a/.hidden.png', pngs[0]!), file('b/2.png', pngs[3]!), file('b/3.png', pngs[4]!)] },
    { skipBad: false, entries: [dir('only'), file('only/one.png', gray(16, 5))] },
  ].map(packTree);
}

const TRICKY_NAMES = ['.hidden', 'a b', 'ünïcode', 'x'.repeat(255), 'CON', '-', '0', 'z/deeper/still', 'cat'];

function mutateTree(tree: Tree, random: Random): string {
  const files = tree.entries.filter((e): e is Extract<Entry, { kind: 'file' }> => e.kind === 'file');
  const dirs = tree.entries.filter((e) => e.kind === 'dir');
  switch (randomInt(random, 8)) {
    case 0:
    case 1: {
      if (files.length === 0) break;
      const f = pick(random, files);
      const m = (f.data[0] === 0xff ? jpegTarget : pngTarget).mutate(f.data, random);
      f.data = pngTarget.finish!(m.bytes, random);
      return `folder:image-${m.kind}`;
    }
    case 2:
      if (files.length === 0) break;
      pick(random, files).data = pick(random, [new Uint8Array(), gray(9, 3), gray(1, 1), encoder.encode('GIF89a'), pick(random, files).data.subarray(0, 20)]);
      return 'folder:replace-image';
    case 3: {
      const d = dirs.length > 0 ? pick(random, dirs) : undefined;
      if (!d) break;
      const renamed = pick(random, TRICKY_NAMES);
      for (const e of tree.entries) if (e.path === d.path || e.path.startsWith(`${d.path}/`)) e.path = renamed + e.path.slice(d.path.length);
      return 'folder:rename-class';
    }
    case 4:
      tree.entries.push({ kind: 'link', path: `${dirs.length > 0 ? pick(random, dirs).path : 'c'}/link`, target: pick(random, ['.', '..', '../..', 'missing', '/']) });
      return 'folder:symlink';
    case 5:
      if (tree.entries.length === 0) break;
      tree.entries.splice(randomInt(random, tree.entries.length), 1);
      return 'folder:drop-entry';
    case 6:
      tree.entries.push({ kind: 'dir', path: pick(random, ['empty', 'e/f/g', '.git']) });
      return 'folder:add-dir';
    default:
      tree.skipBad = !tree.skipBad;
      return 'folder:skip-bad';
  }
  tree.skipBad = !tree.skipBad;
  return 'folder:skip-bad';
}

function mutate(input: Uint8Array, random: Random): Mutation {
  const tree = unpackTree(input);
  const kind = mutateTree(tree, random);
  return { bytes: packTree(tree), kind };
}

const SCRATCH = existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();

/** Write the tree under a new directory (only inside it: names are joined below the root and checked). */
function writeTree(tree: Tree): string {
  const root = mkdtempSync(path.join(SCRATCH, 'smallnets-fuzz-folder-'));
  const data = path.join(root, 'data');
  mkdirSync(data);
  for (const e of tree.entries) {
    const at = path.resolve(data, e.path);
    if (!at.startsWith(`${data}${path.sep}`)) continue; // a name that climbs out is not written
    try {
      mkdirSync(e.kind === 'dir' ? at : path.dirname(at), { recursive: true });
      if (e.kind === 'file') writeFileSync(at, e.data);
      else if (e.kind === 'link') symlinkSync(e.target, at);
    } catch {
      // a name the filesystem refuses (too long, a file where a folder should be) is simply absent
    }
  }
  return root;
}

async function run(input: Uint8Array): Promise<void> {
  const tree = unpackTree(input);
  const root = writeTree(tree);
  try {
    await loadImageFolder(path.join(root, 'data'), { shape: [8, 8, 1], validationSplit: 0, skipBad: tree.skipBad, maxBytes: 2 ** 24 });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export const imageFolderTarget: FuzzTarget = {
  name: 'image-folder',
  description: 'the --data DIR reader (data/image-folder.ts loadImageFolder) on small directory trees',
  seeds,
  mutate,
  run,
  isRefusal: (error) => error instanceof RuntimeError,
};
