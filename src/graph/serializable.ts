/**
 * One serialization convention for everything smallnets registers (configs, schedules, wrapper
 * layers): `static className = 'Smallnets' + the class's name` (e.g. SmallnetsPruningConfig), registered with tfjs-core's
 * serialization map under the package `smallnets` next to its definition, and serialized as
 * `{ className, config }` — the shape Keras and TF.js use in model.json, so a wrapped model's
 * model.json carries its configs the same way. `fromJson` reads any of them back.
 */
import * as tf from '@tensorflow/tfjs-core';
import { UsageError } from '../errors.js';

/** Prefix of every smallnets class name in serialized form. */
export const CLASS_NAME_PREFIX = 'Smallnets';

/** The serialized form of a smallnets config: what `toJSON()` returns and `fromJson` reads. */
export interface SerializedConfig {
  className: string;
  config: tf.serialization.ConfigDict;
}

type SerializableClass = tf.serialization.SerializableConstructor<tf.serialization.Serializable>;

const registered = new Map<string, SerializableClass>();

/**
 * Register a smallnets class for (de)serialization; its `className` must be `Smallnets<ClassName>`.
 *
 * @example
 * export class MyConfig extends tf.serialization.Serializable { static className = 'SmallnetsMyConfig'; … }
 * registerSerializable(MyConfig);
 */
export function registerSerializable<T extends tf.serialization.Serializable>(cls: tf.serialization.SerializableConstructor<T>): void {
  const c = cls as unknown as SerializableClass;
  // Checked on the prefix only: bundlers may rename classes, the static className survives.
  if (!/^Smallnets[A-Z]\w*$/.test(c.className)) throw new Error(`smallnets class names look like ${CLASS_NAME_PREFIX}Name, got ${c.className}`);
  if (registered.has(c.className) && registered.get(c.className) !== c) throw new Error(`${c.className} is registered twice`);
  tf.serialization.registerClass(cls, 'smallnets', c.className);
  registered.set(c.className, c);
}

/** The `{ className, config }` form of a registered object. */
export function toSerialized(object: tf.serialization.Serializable): SerializedConfig {
  return { className: object.getClassName(), config: object.getConfig() };
}

/** The smallnets class names that `fromJson` reads, sorted. */
export function serializableClassNames(): string[] {
  return [...registered.keys()].sort();
}

/**
 * Rebuild a smallnets object from its `{ className, config }` form (e.g. `config.toJSON()`, also
 * after JSON.stringify/parse); `expected`, when given, is the class it must be.
 *
 * @example
 * const config = fromJson(JSON.parse(text), QuantizationConfig);
 */
export function fromJson<T extends tf.serialization.Serializable>(
  json: unknown,
  expected?: (abstract new (...args: never[]) => T) & { className?: string },
): T {
  const className = (json as { className?: unknown } | null)?.className;
  const cls = typeof className === 'string' ? registered.get(className) : undefined;
  if (!cls) throw new UsageError(`unknown smallnets class ${JSON.stringify(className)} (known: ${serializableClassNames().join(', ')})`);
  const config = (json as { config?: unknown }).config;
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new UsageError(`${className}: \`config\` must be an object`);
  const object = cls.fromConfig(cls, config as tf.serialization.ConfigDict);
  if (expected && !(object instanceof expected)) throw new UsageError(`expected ${expected.className ? `a ${expected.className}` : 'another class'}, got ${className}`);
  return object as T;
}
