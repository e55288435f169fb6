import { afterEach, describe, expect, it, vi } from 'vitest';
import { epochProgress } from './progress.js';

/** Everything written to stderr while `body` runs, with stderr pretending to be a terminal (or not). */
function capture(isTTY: boolean, body: () => void): string {
  const previous = process.stderr.isTTY;
  Object.defineProperty(process.stderr, 'isTTY', { value: isTTY, configurable: true });
  let written = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written += chunk.toString();
    return true;
  });
  try {
    body();
  } finally {
    spy.mockRestore();
    Object.defineProperty(process.stderr, 'isTTY', { value: previous, configurable: true });
  }
  return written;
}

const metrics = { loss: 0.5, accuracy: 0.9, imagesPerSecond: 1000 };

describe('epoch progress', () => {
  afterEach(() => vi.restoreAllMocks());

  it('on a terminal, the bar never hides the cursor or turns off line wrapping (a Ctrl-C could not undo either)', () => {
    const written = capture(true, () => {
      const bar = epochProgress(1, 2, 100, { label: 'train' });
      bar.update(50, metrics);
      bar.update(100, metrics);
      bar.stop();
      const failed = epochProgress(2, 2, 100);
      failed.update(10, metrics);
      failed.abort();
    });
    expect(written).toContain('train epoch 1/2');
    expect(written).not.toContain('\x1b[?25l'); // hide cursor
    expect(written).not.toContain('\x1b[?7l'); // disable line wrap
    expect(written.endsWith('\n')).toBe(true);
  });

  it('in a log, one summary line per finished epoch and none for an aborted one', () => {
    const written = capture(false, () => {
      const done = epochProgress(1, 2, 100);
      done.update(100, metrics);
      done.stop();
      const failed = epochProgress(2, 2, 100);
      failed.update(10, metrics);
      failed.abort();
    });
    expect(written).toBe('epoch 1/2: loss 0.5000 acc 0.9000 1000 img/s\n');
  });
});
