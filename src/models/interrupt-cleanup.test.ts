import { describe, expect, it } from 'vitest';
import { interruptCleanupArmed, releaseOnInterrupt, withDefaultSignals, withInterruptCleanup } from './interrupt-cleanup.js';

describe('signal handling around held resources', () => {
  it('a held resource arms the handler until disarmed; long computations run with the default action; a write inside still gets its handler', async () => {
    const handlers = () => process.listenerCount('SIGINT') + process.listenerCount('SIGTERM');
    const before = handlers();
    expect(interruptCleanupArmed()).toBe(false);
    const disarm = releaseOnInterrupt(() => {});
    expect(interruptCleanupArmed()).toBe(true);
    expect(handlers()).toBe(before + 2);
    await withDefaultSignals(async () => {
      expect(interruptCleanupArmed()).toBe(false);
      expect(handlers()).toBe(before);
      await withInterruptCleanup(() => {}, async () => expect(interruptCleanupArmed()).toBe(true));
      expect(interruptCleanupArmed()).toBe(false);
    });
    expect(interruptCleanupArmed()).toBe(true);
    disarm();
    expect(interruptCleanupArmed()).toBe(false);
    expect(handlers()).toBe(before);
  });
});
