/**
 * Child process of atomic-write-processes.test.ts: writes an output directory (or file) made of
 * `count` files tagged with `tag`, starting at a given wall-clock time so two processes start
 * together; prints "writing" just before the write and one JSON line with the outcome after it.
 *
 * argv: target tag count startAtMs force(0|1) kind(dir|file)
 */
import { writeDirAtomic, writeFileAtomic } from './atomic-write.js';

const [target, tag, count, startAt, force, kind] = process.argv.slice(2) as [string, string, string, string, string, string];
const files: Record<string, string> = {};
for (let i = 0; i < Number(count); i++) files[`part-${i}.txt`] = `${tag}\n`.repeat(8192);
const wait = Number(startAt) - Date.now();
if (wait > 0) await new Promise((r) => setTimeout(r, wait));
process.stdout.write('writing\n');
try {
  if (kind === 'file') await writeFileAtomic(target, Object.values(files).join(''), { force: force === '1' });
  else await writeDirAtomic(target, files, force === '1');
  process.stdout.write(`${JSON.stringify({ ok: true })}\n`);
} catch (error) {
  process.stdout.write(`${JSON.stringify({ ok: false, name: (error as Error).name, error: (error as Error).message })}\n`);
}
