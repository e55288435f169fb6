/**
 * `npx tsx scripts/time-main-job.ts --json`: runs `npm start` (compile + `smallnets demo`) exactly as
 * a newcomer does, times it from outside (wall clock, compile included), and prints one JSON line
 * with the wall time and the headline numbers of the demo's own JSON result.
 */
import { spawnSync } from 'node:child_process';

const started = performance.now();
const run = spawnSync('npm', ['start', '--', '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 });
const wallSeconds = (performance.now() - started) / 1000;
if (run.status !== 0) {
  process.stderr.write(`npm start exited with ${run.status}\n`);
  process.exit(1);
}
const demo = JSON.parse(run.stdout.trim().split('\n').pop()!) as {
  seconds: number;
  rows: Array<{ variant: string; testAccuracy: number; bytes: number }>;
  epochs: Record<string, number>;
  report: string;
};
const dense = demo.rows[0]!;
const compressed = demo.rows.find((r) => r.variant.includes('Deep Compression'));
process.stdout.write(`${JSON.stringify({
  wallSeconds: Math.round(wallSeconds * 10) / 10,
  demoSeconds: demo.seconds,
  variants: demo.rows.length,
  baselineAccuracy: dense.testAccuracy,
  compressedAccuracy: compressed?.testAccuracy ?? null,
  compressedRatio: compressed ? Math.round((dense.bytes / compressed.bytes) * 10) / 10 : null,
  epochs: demo.epochs,
  report: demo.report,
})}\n`);
