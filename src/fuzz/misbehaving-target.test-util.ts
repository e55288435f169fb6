/**
 * Test helper: a fuzz target whose decoder misbehaves on purpose, to check that a long run catches
 * each kind of crash: inputs starting with 1 loop forever (a hang only terminating the worker can
 * stop), with 2 throw a TypeError (not the documented refusal), with 3 refuse in two lines; any
 * other input is refused properly or accepted.
 */
import { RuntimeError } from '../errors.js';
import type { FuzzTarget } from './target.js';

export const fuzzTarget: FuzzTarget = {
  name: 'misbehaving',
  description: 'test target that hangs, throws and refuses badly on purpose',
  seeds: () => [Uint8Array.of(0, 0, 0, 0)],
  mutate: (input, random) => {
    const out = input.slice();
    out[0] = Math.floor(random() * 40);
    return { bytes: out, kind: 'first-byte' };
  },
  run: (input) => {
    if (input[0] === 1) for (;;);
    if (input[0] === 2) throw new TypeError('not a refusal');
    // RuntimeError escapes control characters itself; a decoder could still build a message by hand.
    if (input[0] === 3) throw Object.assign(new RuntimeError('placeholder'), { message: 'two\nlines' });
    if (input[0]! % 2 === 0) throw new RuntimeError('refused');
  },
  isRefusal: (error) => error instanceof RuntimeError,
};
