import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../engine/backend.js';
import { RuntimeError, UsageError } from '../errors.js';
import { encodePng } from './image.js';
import { pattern, rgbJpeg } from './image-fixtures.test-util.js';
import { loadImageFolder } from './image-folder.js';

let root: string;
beforeAll(async () => {
  await initBackend('cpu');
  root = await mkdtemp(path.join(os.tmpdir(), 'smallnets-folder-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** A folder of `files` (relative path → bytes). */
async function folder(name: string, files: Record<string, Uint8Array | string>): Promise<string> {
  const dir = path.join(root, name);
  for (const [file, bytes] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), bytes);
  }
  return dir;
}

const gray = (value: number, size = 4) => encodePng({ width: size, height: size, channels: 1, data: new Uint8Array(size * size).fill(value) });

describe('loadImageFolder', () => {
  it('one class per sorted subfolder; images scaled to [0, 1]; the seeded last 20% held out; hidden and loose files ignored', async () => {
    const files: Record<string, Uint8Array | string> = { 'README.txt': 'not a class', 'b/.DS_Store': 'junk' };
    for (let i = 0; i < 6; i++) files[`b/${i}.png`] = gray(200);
    for (let i = 0; i < 4; i++) files[`a/nested/${i}.png`] = gray(51);
    const dir = await folder('ok', files);
    const data = await loadImageFolder(dir, { shape: [4, 4, 1], validationSplit: 0.2, seed: 3 });
    expect(data.classNames).toEqual(['a', 'b']);
    expect([data.train.count, data.test.count]).toEqual([8, 2]);
    expect(data.train.shape).toEqual([4, 4, 1]);
    expect(data.train.classes).toBe(2);
    const labels = [...data.train.labels, ...data.test.labels];
    expect(labels.filter((l) => l === 0)).toHaveLength(4);
    for (let i = 0; i < data.train.count; i++) {
      expect(data.train.images[i * 16]).toBeCloseTo(data.train.labels[i] === 0 ? 0.2 : 200 / 255, 6);
    }
    const again = await loadImageFolder(dir, { shape: [4, 4, 1], validationSplit: 0.2, seed: 3 });
    expect(Array.from(again.test.labels)).toEqual(Array.from(data.test.labels));
    expect(Array.from(again.test.images)).toEqual(Array.from(data.test.images));
  });

  it('resizes to the requested shape and converts colour to the requested channels', async () => {
    const dir = await folder('colour', { 'x/a.jpg': rgbJpeg(12, 10, pattern(12, 10, 3)), 'y/b.jpg': rgbJpeg(12, 10, pattern(12, 10, 3)) });
    const data = await loadImageFolder(dir, { shape: [6, 5, 1], validationSplit: 0 });
    expect(data.train.images.length).toBe(2 * 30);
    expect(data.test.count).toBe(0);
    const rgb = await loadImageFolder(dir, { shape: [3, 3, 3], validationSplit: 0, preprocess: (p) => p });
    expect(rgb.train.images.length).toBe(2 * 27);
    expect(Math.max(...rgb.train.images)).toBeGreaterThan(1); // raw 0..255 with an identity preprocess
  });

  it('bad folders: a clear error naming the file, or a warning and the file left out with skipBad', async () => {
    const good = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`cls/${i}.png`, gray(9)]));
    const cases: Array<[string, Record<string, Uint8Array | string>, RegExp]> = [
      ['mixed sizes', { ...good(3), 'cls/big.png': gray(9, 6) }, /big\.png is 6×6 but .*0\.png is 4×4/],
      ['not an image', { ...good(3), 'cls/notes.txt': 'hello' }, /notes\.txt is not a PNG or JPEG image/],
      ['truncated', { ...good(3), 'cls/cut.png': gray(9).subarray(0, 40) }, /cut\.png is a truncated PNG/],
    ];
    for (const [name, files, message] of cases) {
      const dir = await folder(name.replace(/ /g, '-'), files);
      const failure = loadImageFolder(dir, { shape: [4, 4, 1], validationSplit: 0 });
      await expect(failure, name).rejects.toThrow(RuntimeError);
      await expect(loadImageFolder(dir, { shape: [4, 4, 1], validationSplit: 0 }), name).rejects.toThrow(message);
      const warnings: string[] = [];
      const data = await loadImageFolder(dir, { shape: [4, 4, 1], validationSplit: 0, skipBad: true, warn: (w) => warnings.push(w) });
      expect(data.train.count, name).toBe(3);
      expect(data.skipped, name).toHaveLength(1);
      expect(warnings.join('\n'), name).toMatch(message);
    }
  });

  it('an unreadable file (a dangling link) and an empty class are named; skipBad keeps the empty class index', async () => {
    const dir = await folder('unreadable', { 'a/0.png': gray(1), 'a/1.png': gray(1), 'c/0.png': gray(2), 'c/1.png': gray(2) });
    await symlink(path.join(root, 'nowhere.png'), path.join(dir, 'a', 'gone.png'));
    await expect(loadImageFolder(dir, { shape: [4, 4, 1], validationSplit: 0 })).rejects.toThrow(/cannot read image .*gone\.png: no such file/);
    await mkdir(path.join(dir, 'b'));
    const skipped = await loadImageFolder(dir, { shape: [4, 4, 1], validationSplit: 0, skipBad: true });
    expect(skipped.classNames).toEqual(['a', 'b', 'c']);
    expect(Array.from(skipped.train.labels).sort()).toEqual([0, 0, 2, 2]);
    await rm(path.join(dir, 'a', 'gone.png'));
    await expect(loadImageFolder(dir, { shape: [4, 4, 1], validationSplit: 0 })).rejects.toThrow(/class folder .*b has no images/);
  });

  it('links to folders are not followed (Keras\' follow_links=False): a link to / or back to the folder neither walks the disk nor loops', async () => {
    const dir = await folder('links', { 'a/0.png': gray(1), 'b/0.png': gray(2) });
    await symlink('/', path.join(dir, 'a', 'root'));
    await symlink('..', path.join(dir, 'b', 'loop'));
    await symlink(path.join(dir, 'a'), path.join(dir, 'linked-class'));
    await symlink(path.join(dir, 'a', '0.png'), path.join(dir, 'b', 'linked.png')); // a link to a file is read
    const read = await loadImageFolder(dir, { shape: [4, 4, 1], validationSplit: 0 });
    expect(read.classNames).toEqual(['a', 'b']);
    expect(Array.from(read.train.labels).sort()).toEqual([0, 1, 1]);
  });

  it('no class folders, a missing folder, an impossible split or too many bytes are refused before reading images', async () => {
    const flat = await folder('flat', { 'x.png': gray(1) });
    await expect(loadImageFolder(flat, { shape: [4, 4, 1] })).rejects.toThrow(/has no class subfolders/);
    await expect(loadImageFolder(path.join(root, 'missing'), { shape: [4, 4, 1] })).rejects.toThrow(/cannot read data folder .*missing: no such directory/);
    const two = await folder('two', { 'a/0.png': gray(1), 'b/0.png': gray(1) });
    await expect(loadImageFolder(two, { shape: [4, 4, 1], validationSplit: 0.2 })).rejects.toThrow(UsageError);
    await expect(loadImageFolder(two, { shape: [4, 4, 1], validationSplit: 1 })).rejects.toThrow(/`validationSplit` must be in \[0, 1\)/);
    await expect(loadImageFolder(two, { shape: [1000, 1000, 3], maxBytes: 1e6 })).rejects.toThrow(/more than the 1,000,000 allowed/);
  });
});
