/**
 * What happens when Ctrl-C (SIGINT) or SIGTERM arrives in the middle of writing an output.
 *
 * Most of a long run (training, pruning, compressing) is synchronous compute during which no
 * JavaScript signal handler could run anyway, and during which nothing on disk is half-done. So
 * smallnets installs NO handler then: the signal's default action ends the process at once (the
 * shell reports 130 for SIGINT, 143 for SIGTERM), and a calling shell loop stops too.
 *
 * Only while an output is being written — a temporary file or directory exists, an old output is
 * moved aside, a lock is held — is a handler installed. A signal then makes the write stop at its
 * next step, undo itself (temporary files removed, the old output put back, the lock released) and
 * raise the same signal again with the default action restored, so the process still dies of that
 * signal — within the time of one file operation. If the host process has signal listeners of its
 * own, the default action is not ours to emulate: the handler does nothing and the write completes.
 *
 * A long-lived resource that is cheap to give back synchronously — `explore`'s lock on its
 * directory — is registered with `releaseOnInterrupt` for as long as it is held: the handler is then
 * installed that whole time, and a signal releases it and re-raises at once (after any write in
 * progress has undone itself). That is only right while this thread is idle, waiting on other
 * threads or processes; code that computes on this thread for seconds runs inside
 * `withDefaultSignals`, where the handler is removed again and a signal ends the process at once
 * (the resource is then left behind, as after kill -9, for its owner to recover).
 */

type Undo = () => void;

/** Thrown at a write's next checkpoint after SIGINT/SIGTERM: the write undoes itself and ends. */
export class InterruptedError extends Error {
  override readonly name = 'InterruptedError';

  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted by ${signal}`);
  }
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
const pending = new Set<{ undo: Undo }>();
const releases = new Set<{ release: Undo }>();
let interruptedBy: NodeJS.Signals | undefined;
/** Depth of withDefaultSignals: while positive, no handler is installed. */
let defaultSignals = 0;

function onSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return; // the host handles signals; our writes go on
  // No undo from here: file operations of the writes may still be in flight in libuv's pool and
  // would land after it (a temporary directory re-created after its removal). Each write notices at
  // its next checkpoint, when nothing of it is in flight, undoes itself, and the last re-raises.
  interruptedBy ??= signal;
  if (pending.size === 0) reraise();
}

/** Give back every held resource, restore the default action and raise the signal again: the end. */
function reraise(): void {
  const signal = interruptedBy;
  interruptedBy = undefined;
  for (const entry of [...releases]) {
    releases.delete(entry);
    try {
      entry.release();
    } catch {
      // the process is ending
    }
  }
  uninstall();
  if (signal) process.kill(process.pid, signal); // default action now: the process ends here
}

/** Install or remove the handler for what is registered now. */
function update(): void {
  if (defaultSignals === 0 && (pending.size > 0 || releases.size > 0)) install();
  else if (pending.size === 0) uninstall();
}

function onExit(): void {
  // Last resort (someone called process.exit mid-write): undo synchronously, as far as possible.
  for (const entry of [...pending].reverse()) {
    pending.delete(entry);
    try {
      entry.undo();
    } catch {
      // the process is ending
    }
  }
}

let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  for (const signal of SIGNALS) process.on(signal, onSignal);
  process.on('exit', onExit);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  for (const signal of SIGNALS) process.removeListener(signal, onSignal);
  process.removeListener('exit', onExit);
}

/**
 * Run `body` with SIGINT/SIGTERM deferred to its checkpoints: `body` calls `checkpoint()` after each
 * step it awaits; after a signal that throws InterruptedError, `body`'s own error handling undoes
 * the write (it must, as it must on any error), and once no write is left the same signal is raised
 * again with its default action. `undo` is only for an `exit` in the middle (synchronous, best effort).
 * @example
 * await withInterruptCleanup(() => rmSync(temp, { recursive: true, force: true }), async (checkpoint) => {
 *   await writeFile(temp, data); checkpoint(); await rename(temp, target);
 * });
 */
export async function withInterruptCleanup<T>(undo: Undo, body: (checkpoint: () => void) => Promise<T>): Promise<T> {
  const entry = { undo };
  pending.add(entry);
  install(); // also inside withDefaultSignals: a write always gets to undo itself
  try {
    return await body(() => {
      if (interruptedBy) throw new InterruptedError(interruptedBy);
    });
  } finally {
    pending.delete(entry);
    if (pending.size === 0) {
      if (interruptedBy) reraise();
      else update();
    }
  }
}

/**
 * Keep `release` (synchronous, e.g. removing a lock file) armed for SIGINT/SIGTERM until the
 * returned disarm function is called: a signal then runs it and ends the process by that signal.
 * @example
 * const disarm = releaseOnInterrupt(() => rmSync(lock, { force: true }));
 * // ... later, on normal release:
 * disarm(); rmSync(lock, { force: true });
 */
export function releaseOnInterrupt(release: Undo): () => void {
  const entry = { release };
  releases.add(entry);
  update();
  return () => {
    releases.delete(entry);
    update();
  };
}

/**
 * Run `body` (which computes on this thread for a long time) with the signals' default actions:
 * Ctrl-C ends the process at once instead of waiting for `body` to yield. Not around writes.
 * @example
 * const accuracy = await withDefaultSignals(async () => evaluateAccuracy(model, test));
 */
export async function withDefaultSignals<T>(body: () => Promise<T> | T): Promise<T> {
  defaultSignals++;
  if (pending.size === 0) uninstall();
  try {
    return await body();
  } finally {
    defaultSignals--;
    update();
  }
}

/** Whether a handler is installed (tests: none should remain after a write). */
export function interruptCleanupArmed(): boolean {
  return installed;
}
