import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { fromJson, registerSerializable, serializableClassNames, toSerialized } from './serializable.js';

class SmallnetsProbeConfig extends tf.serialization.Serializable {
  static className = 'SmallnetsProbeConfig';
  constructor(readonly size: number) {
    super();
  }
  override getConfig(): tf.serialization.ConfigDict {
    return { size: this.size };
  }
  static override fromConfig<T extends tf.serialization.Serializable>(cls: tf.serialization.SerializableConstructor<T>, config: tf.serialization.ConfigDict): T {
    return new cls(config['size']);
  }
}

describe('the serialization convention', () => {
  it('registered classes round-trip through { className, config } and JSON text', () => {
    registerSerializable(SmallnetsProbeConfig);
    const json = JSON.parse(JSON.stringify(toSerialized(new SmallnetsProbeConfig(3))));
    expect(json).toEqual({ className: 'SmallnetsProbeConfig', config: { size: 3 } });
    const back = fromJson(json, SmallnetsProbeConfig);
    expect(back).toBeInstanceOf(SmallnetsProbeConfig);
    expect(back.size).toBe(3);
    expect(serializableClassNames()).toContain('SmallnetsProbeConfig');
    // tfjs-layers finds it by class name too (how a wrapper layer's model.json is read back).
    expect(tf.serialization.SerializationMap.getMap().classNameMap['SmallnetsProbeConfig']![0]).toBe(SmallnetsProbeConfig);
  });

  it('a class name without the Smallnets prefix is refused at registration', () => {
    class Other extends SmallnetsProbeConfig {
      static override className = 'Other';
    }
    expect(() => registerSerializable(Other)).toThrow(/SmallnetsName, got Other/);
  });

  it('unknown names, missing configs and hostile input are usage errors', () => {
    for (const bad of [null, 7, { className: 'Dense', config: {} }, { className: 'SmallnetsProbeConfig' }, { className: 'SmallnetsProbeConfig', config: [] }]) {
      expect(() => fromJson(bad)).toThrow(UsageError);
    }
  });
});
