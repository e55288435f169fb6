/**
 * Per-epoch progress bars on stderr (cli-progress). Silent when stderr is not a TTY unless forced,
 * in which case one summary line per epoch is printed instead — logs stay readable in CI.
 *
 * The bar never changes the terminal's modes: cli-progress hides the cursor and turns off line
 * wrapping by default, and a run ended by Ctrl-C in the middle of an epoch (which is synchronous
 * compute: no handler could run to undo them) would leave the terminal without a cursor. Here the
 * cursor stays, and lines are cut to the terminal's width instead of relying on disabled wrapping.
 */
import cliProgress from 'cli-progress';

export interface EpochProgress {
  update(done: number, metrics: { loss: number; accuracy: number; imagesPerSecond: number }): void;
  /** The epoch finished: complete the bar (or print the epoch's summary line). */
  stop(): void;
  /** The epoch failed: end the bar's line, print no summary. */
  abort(): void;
}

export interface ProgressOptions {
  /** Show anything at all (default true). */
  enabled?: boolean;
  label?: string;
}

export function epochProgress(epoch: number, epochs: number, total: number, options: ProgressOptions = {}): EpochProgress {
  const label = options.label ? `${options.label} ` : '';
  if (options.enabled === false) return { update() {}, stop() {}, abort() {} };
  let last = { loss: 0, accuracy: 0, imagesPerSecond: 0 };
  if (!process.stderr.isTTY) {
    return {
      update(_done, metrics) {
        last = metrics;
      },
      stop() {
        process.stderr.write(
          `${label}epoch ${epoch}/${epochs}: loss ${last.loss.toFixed(4)} acc ${last.accuracy.toFixed(4)} ${Math.round(last.imagesPerSecond)} img/s\n`,
        );
      },
      abort() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: `${label}epoch ${epoch}/${epochs} [{bar}] {value}/{total} | loss {loss} | acc {acc} | {ips} img/s`,
      stream: process.stderr,
      // Leave the terminal's modes alone (see above): no cursor hiding, no `ESC[?7l`.
      hideCursor: false,
      linewrap: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { loss: '-', acc: '-', ips: '-' });
  return {
    update(done, metrics) {
      bar.update(done, {
        loss: metrics.loss.toFixed(4),
        acc: metrics.accuracy.toFixed(4),
        ips: Math.round(metrics.imagesPerSecond),
      });
    },
    stop() {
      bar.stop();
    },
    abort() {
      bar.stop(); // ends the line; the terminal's modes were never changed
    },
  };
}

export interface TaskProgress {
  /** One more of the `total` steps is done; `detail` says which. */
  tick(done: number, detail: string): void;
  stop(): void;
}

/**
 * Progress over a fixed number of steps that are not epochs (e.g. sensitivity's measurements): a
 * bar on a terminal, else one line per step.
 */
export function taskProgress(label: string, total: number): TaskProgress {
  if (!process.stderr.isTTY) {
    return {
      tick(done, detail) {
        process.stderr.write(`${label} ${done}/${total}: ${detail}\n`);
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {value}/{total} {detail}`, stream: process.stderr, hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { detail: '' });
  return {
    tick(done, detail) {
      bar.update(done, { detail });
    },
    stop() {
      bar.stop();
    },
  };
}
