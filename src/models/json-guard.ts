/**
 * The first check on JSON read from an untrusted model file, before any of our code or TF.js reads
 * a field from it: no key that reaches an object's prototype (`__proto__`, `constructor`,
 * `prototype`: JSON.parse makes them plain own properties, but a later `Object.assign` or
 * `obj[key] = value` copy — TF.js's config conversion does exactly that — would set a prototype),
 * and a bounded nesting depth (every recursive walker after this one, ours and TF.js's, stays far
 * from the stack limit). The walk is iterative, so the check itself cannot overflow the stack.
 */
import { RuntimeError } from '../errors.js';

/** Deepest nesting a model.json or .snn topology may have (real topologies nest about 8 deep). */
export const MAX_JSON_DEPTH = 64;

/** Keys refused anywhere in a model file's JSON. */
export const FORBIDDEN_JSON_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

/** Parse JSON text, mapping syntax errors to a one-line RuntimeError naming `where`. */
export function parseJsonText(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new RuntimeError(`${where} is not valid JSON: ${(error as Error).message.split('\n')[0]}`);
  }
}

/**
 * Refuse prototype keys and nesting deeper than MAX_JSON_DEPTH anywhere in `value`.
 * @example
 * checkJsonTree(JSON.parse('{"__proto__": {"x": 1}}'), 'model.json'); // throws RuntimeError
 */
export function checkJsonTree(value: unknown, where: string): void {
  const stack: Array<{ value: unknown; depth: number; path: string }> = [{ value, depth: 0, path: '' }];
  while (stack.length > 0) {
    const { value: node, depth, path } = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth >= MAX_JSON_DEPTH) throw new RuntimeError(`${where} nests deeper than ${MAX_JSON_DEPTH} levels (at ${path || 'the top'})`);
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) stack.push({ value: node[i], depth: depth + 1, path: `${path}[${i}]` });
      continue;
    }
    for (const key of Object.keys(node)) {
      if (FORBIDDEN_JSON_KEYS.includes(key)) {
        throw new RuntimeError(`${where} has a ${JSON.stringify(key)} key${path ? ` at ${path}` : ''}; model files may not set object prototypes`);
      }
      stack.push({ value: (node as Record<string, unknown>)[key], depth: depth + 1, path: `${path}.${key}` });
    }
  }
}
