import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeModel } from '../analysis/describe.js';
import { UsageError } from '../errors.js';
import { initBackend } from '../engine/backend.js';
import { squeezenet } from './squeezenet.js';

function macs(model: tfl.LayersModel): number {
  return describeModel(model, { measureSparsity: false }).layers.reduce((s, l) => s + l.macs, 0);
}

describe('squeezenet', () => {
  let v10: tfl.LayersModel;
  let v11: tfl.LayersModel;

  beforeAll(async () => {
    await initBackend('cpu');
    v10 = squeezenet({ version: '1.0' });
    v11 = squeezenet({ version: '1.1' });
  });

  it('1.0 has 1,248,424 params and 1.1 has 1,235,496', () => {
    expect(v10.countParams()).toBe(1_248_424);
    expect(v11.countParams()).toBe(1_235_496);
  });

  it('1.1 needs ~2.4× less compute than 1.0 (paper: 2.4×)', () => {
    expect(macs(v10)).toBe(832_667_936);
    expect(macs(v11)).toBe(352_540_352);
    expect(macs(v10) / macs(v11)).toBeCloseTo(2.4, 1);
  });

  it('uses the Keras port\'s layer names, with "/" inside fire modules', () => {
    const names = v11.layers.map((l) => l.name);
    expect(names.slice(0, 12)).toEqual([
      'input_1', 'conv1', 'relu_conv1', 'pool1', 'fire2/squeeze1x1', 'fire2/relu_squeeze1x1',
      'fire2/expand1x1', 'fire2/expand3x3', 'fire2/relu_expand1x1', 'fire2/relu_expand3x3', 'fire2/concat', 'fire3/squeeze1x1',
    ]);
    expect(names.slice(-5)).toEqual(['drop9', 'conv10', 'relu_conv10', 'pool10', 'loss']);
    expect(names.filter((n) => n.startsWith('pool'))).toEqual(['pool1', 'pool3', 'pool5', 'pool10']);
    expect(v10.layers.map((l) => l.name).filter((n) => n.startsWith('pool'))).toEqual(['pool1', 'pool4', 'pool8', 'pool10']);
    expect(v11.getLayer('fire9/concat').outputShape).toEqual([null, 13, 13, 512]);
    expect(v10.getLayer('conv1').getConfig()['kernelSize']).toEqual([7, 7]);
  });

  it('weights named fire2/squeeze1x1/kernel survive a save/load round trip by name', async () => {
    const model = squeezenet({ version: '1.1', inputSize: 64, classes: 5 });
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    expect(saved!.weightSpecs!.map((s) => s.name)).toContain('fire2/squeeze1x1/kernel');
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(saved!));
    const x = tf.randomUniform([1, 64, 64, 3], 0, 1, 'float32', 3);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor))).dataSync()[0]);
    expect(diff).toBe(0);
    x.dispose();
  });

  it('version 1.2 and inputSize 32 → UsageError', () => {
    expect(() => squeezenet({ version: '1.2' as '1.0' })).toThrow(UsageError);
    expect(() => squeezenet({ version: '1.2' as '1.0' })).toThrow('SqueezeNet version must be one of 1.0, 1.1, got 1.2');
    expect(() => squeezenet({ inputSize: 32 })).toThrow('SqueezeNet inputSize must be an integer >= 48, got 32');
  });
});
