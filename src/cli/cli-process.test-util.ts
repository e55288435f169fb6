/**
 * Test helper: the CLI as its own process (`node --import tsx src/cli/cli-process.test-util.ts ARGS`),
 * like bin/smallnets.js but on the TypeScript sources — for tests that send signals to a real run
 * or start two at once. `cliProcess` spawns it with stdout/stderr collected.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { main } from './main.js';

const ENTRY = new URL(import.meta.url).pathname;
const ROOT = path.resolve(path.dirname(ENTRY), '..', '..');

export interface CliProcess {
  child: ChildProcess;
  stderr: () => string;
  stdout: () => string;
  /** Resolves when the process has ended: its exit code or the signal that ended it, and when. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

export function cliProcess(args: string[]): CliProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, at: performance.now() })),
  );
  return { child, stderr: () => stderr, stdout: () => stdout, exited };
}

/** Resolves once the process's stderr matches `pattern` (rejects if it exits first). */
export async function waitForStderr(p: CliProcess, pattern: RegExp, timeoutMs = 240_000): Promise<void> {
  const start = performance.now();
  let ended = false;
  void p.exited.then(() => (ended = true));
  while (!pattern.test(p.stderr())) {
    if (ended) throw new Error(`process ended before ${pattern}: ${p.stderr().slice(-500)}`);
    if (performance.now() - start > timeoutMs) throw new Error(`no ${pattern} after ${timeoutMs} ms: ${p.stderr().slice(-500)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

if (process.argv[1] === ENTRY) process.exitCode = await main(process.argv.slice(2));
