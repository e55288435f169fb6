/**
 * Child process of hostile-memory.test.ts: opens each hostile case (JSON on argv: name, kind, location) and prints, per
 * case, one JSON line with the error it got, its time and the process's peak RSS while opening it
 * (VmHWM, reset before each case through /proc/self/clear_refs). A fresh process, so the numbers
 * are this process's own and not the test runner's.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { initBackend } from '../engine/backend.js';
import { readImageFile } from '../data/image.js';
import { openModel } from './open-model.js';

function peakMegabytes(): number {
  return Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024;
}

await initBackend('wasm');
const cases = JSON.parse(process.argv[2]!) as Array<{ name: string; kind: 'model' | 'image'; location: string }>;
for (const c of cases) {
  globalThis.gc?.();
  writeFileSync('/proc/self/clear_refs', '5'); // reset the peak to the current RSS
  const before = peakMegabytes();
  const start = performance.now();
  let error: { name: string; message: string } | null = null;
  try {
    const opened = c.kind === 'model' ? await openModel(c.location) : await readImageFile(c.location);
    if ('dispose' in opened) opened.dispose();
  } catch (e) {
    error = { name: (e as Error).name, message: (e as Error).message };
  }
  process.stdout.write(`${JSON.stringify({ name: c.name, error, ms: performance.now() - start, baselineMb: before, peakMb: peakMegabytes() })}\n`);
}
