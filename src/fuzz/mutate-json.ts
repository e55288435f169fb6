/**
 * Structure-aware mutation of JSON documents (model.json topologies and manifests, trial logs):
 * parse, change one node, serialize. The changes are the ones that break loaders: sizes made huge,
 * zero, negative or fractional; class names and strings swapped for others from the same document
 * or for dangerous ones (Lambda, unknown classes); keys deleted, renamed snake ↔ camel, or set to
 * `__proto__`; values swapped between places; arrays emptied, duplicated or nested.
 */
import { pick, randomInt } from './mutate-bytes.js';
import type { Random } from './target.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const NUMBERS = [0, -1, 1, 2, 3, 7, 255, 256, 65535, 65536, 2 ** 24, 2 ** 31, 2 ** 32, 2 ** 53, 1e9, 500_000, 1.5, -0.5, 1e308, -1e308];
const STRINGS = ['Lambda', 'CustomLayer', '', 'channels_first', 'channelsFirst', 'same', 'valid', 'causal', 'softmax', 'Conv2D', 'Dense', 'SeparableConv2D',
  'BatchNormalization', 'Concatenate', 'Model', 'Sequential', 'InputLayer', 'SmallnetsQuantize', 'SmallnetsCluster', 'float16', 'uint8', 'int32', 'bool', 'x'.repeat(300)];
const KEYS = ['__proto__', 'constructor', 'class_name', 'className', 'units', 'filters', 'kernel_size', 'strides', 'batch_input_shape', 'input_shape',
  'inbound_nodes', 'target_shape', 'axis', 'weights', 'quantization', 'layer', 'model_config', 'depth_multiplier', 'use_bias', 'padding'];

type Slot = { parent: JsonValue[] | Record<string, JsonValue>; key: string | number };

/** Every place in the document a value sits (bounded, so a huge document stays cheap). */
function slots(root: JsonValue, limit = 4096): Slot[] {
  const out: Slot[] = [];
  const stack: JsonValue[] = [root];
  while (stack.length > 0 && out.length < limit) {
    const node = stack.pop()!;
    if (Array.isArray(node)) node.forEach((v, i) => (out.push({ parent: node, key: i }), stack.push(v)));
    else if (node !== null && typeof node === 'object') for (const [k, v] of Object.entries(node)) (out.push({ parent: node, key: k }), stack.push(v));
  }
  return out;
}

const get = (s: Slot): JsonValue => (s.parent as Record<string, JsonValue>)[s.key as string]!;
const set = (s: Slot, value: JsonValue): void => {
  (s.parent as Record<string, JsonValue>)[s.key as string] = value;
};

function otherCase(key: string): string {
  return key.includes('_') ? key.replace(/_(\w)/g, (_m, c: string) => c.toUpperCase()) : key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Define a key as an own enumerable property (so `__proto__` becomes a key, as JSON.parse makes it). */
function defineKey(object: Record<string, JsonValue>, key: string, value: JsonValue): void {
  Object.defineProperty(object, key, { value, enumerable: true, configurable: true, writable: true });
}

/** One mutation of a parsed JSON document, in place; returns its kind. */
export function mutateJsonValue(root: JsonValue, random: Random): string {
  const all = slots(root);
  if (all.length === 0) return 'json:empty';
  // Numbers and strings are where sizes and class names live: pick them more often.
  const leaves = all.filter((s) => typeof get(s) === 'number' || typeof get(s) === 'string');
  const slot = leaves.length > 0 && random() < 0.7 ? pick(random, leaves) : pick(random, all);
  const value = get(slot);
  const op = randomInt(random, 4);
  if (typeof value === 'number' && op < 3) {
    set(slot, op === 0 ? pick(random, NUMBERS) : op === 1 ? value + pick(random, [-1, 1]) : value * pick(random, [1000, -1, 0.5, 65536]));
    return 'json:number';
  }
  if (typeof value === 'string' && op < 3) {
    const strings = all.map(get).filter((v): v is string => typeof v === 'string');
    set(slot, op === 0 ? pick(random, STRINGS) : pick(random, strings));
    return 'json:string';
  }
  if (Array.isArray(value) && op < 3) {
    if (value.length > 0 && op === 0) value.splice(randomInt(random, value.length), 1);
    else if (value.length > 0 && op === 1) value.push(structuredClone(pick(random, value)));
    else value.push(pick(random, NUMBERS));
    return 'json:array';
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && op < 3) {
    const keys = Object.keys(value);
    if (keys.length > 0 && op === 0) delete value[pick(random, keys)];
    else if (keys.length > 0 && op === 1) {
      const key = pick(random, keys);
      const moved = value[key]!;
      delete value[key];
      defineKey(value, otherCase(key), moved);
    } else defineKey(value, pick(random, KEYS), structuredClone(get(pick(random, all))));
    return 'json:object';
  }
  // Any slot: swap with another value of the document, or replace with an odd type.
  const other = pick(random, all);
  if (random() < 0.5 && other !== slot) {
    const a = structuredClone(get(slot));
    set(slot, structuredClone(get(other)));
    set(other, a);
    return 'json:swap';
  }
  set(slot, pick(random, [null, true, {}, [], [[[[value]]]], String(value), -1] as JsonValue[]));
  return 'json:retype';
}

/** Mutate JSON text structurally (falling back to nothing when it does not parse). */
export function mutateJsonText(text: string, random: Random): { text: string; kind: string } {
  let root: JsonValue;
  try {
    root = JSON.parse(text) as JsonValue;
  } catch {
    return { text, kind: 'json:unparsable' };
  }
  const kind = mutateJsonValue(root, random);
  return { text: JSON.stringify(root), kind };
}
