/**
 * The README runs as written: every line of its command-line block, in order, in a fresh folder
 * (with the shipped examples/ beside it, as in a checkout), through the real CLI. SMALLNETS_QUICK=1
 * (which the README mentions) keeps the training short; any command that fails fails the test.
 */
import { cp, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.test-util.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

/** The commands of the README's "## Command line" shell block, comments removed, split into words. */
export async function readmeCommands(): Promise<string[][]> {
  const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Command line'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)![1]!;
  return block
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line.length > 0)
    .map((line) => {
      expect(line.startsWith('npx smallnets '), line).toBe(true);
      return line.slice('npx smallnets '.length).split(/\s+/);
    });
}

describe('README command line', () => {
  let dir: string;
  const cwd = process.cwd();
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'smallnets-readme-'));
    await cp(path.join(ROOT, 'examples'), path.join(dir, 'examples'), { recursive: true });
    process.chdir(dir);
    process.env['SMALLNETS_QUICK'] = '1';
  });
  afterAll(async () => {
    process.chdir(cwd);
    delete process.env['SMALLNETS_QUICK'];
    await rm(dir, { recursive: true, force: true });
  });

  it('every command runs, in order, as written', async () => {
    const commands = await readmeCommands();
    expect(commands.length).toBeGreaterThanOrEqual(15);
    for (const argv of commands) {
      const r = await runCli(argv);
      expect(r.code, `smallnets ${argv.join(' ')}\n${r.stderr.slice(-2000)}`).toBe(0);
    }
    // The files the README promises are where it says.
    for (const file of ['out/lenet5/model.json', 'out/lenet5-p92/model.json', 'out/lenet5-2of4/model.json', 'out/lenet5.snn', 'out/lenet5.onnx', 'out/lenet5-sep/model.json']) {
      expect((await stat(path.join(dir, file))).isFile(), file).toBe(true);
    }
  }, 900_000);
});
