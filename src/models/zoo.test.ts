import { beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { initBackend } from '../engine/backend.js';
import { buildZooModel, formatZooSpec, looksLikeZooSpec, parseZooSpec, zooFamily } from './zoo.js';

describe('parseZooSpec', () => {
  it('parses every family', () => {
    expect(parseZooSpec('lenet5')).toEqual({ family: 'lenet5' });
    expect(parseZooSpec('lenet300')).toEqual({ family: 'lenet300' });
    expect(parseZooSpec('mobilenet_v1:0.25:128')).toEqual({ family: 'mobilenet_v1', alpha: 0.25, inputSize: 128 });
    expect(parseZooSpec('mobilenet_v2:1.4:224')).toEqual({ family: 'mobilenet_v2', alpha: 1.4, inputSize: 224 });
    expect(parseZooSpec('squeezenet:1.0')).toEqual({ family: 'squeezenet', version: '1.0' });
    expect(parseZooSpec('squeezenet:1.1')).toEqual({ family: 'squeezenet', version: '1.1' });
  });

  it('fills omitted parts with the defaults and accepts equivalent spellings', () => {
    expect(parseZooSpec('mobilenet_v1')).toEqual({ family: 'mobilenet_v1', alpha: 1, inputSize: 224 });
    expect(parseZooSpec('mobilenet_v2:0.50')).toEqual({ family: 'mobilenet_v2', alpha: 0.5, inputSize: 224 });
    expect(parseZooSpec('mobilenet_v1:1:160')).toEqual({ family: 'mobilenet_v1', alpha: 1, inputSize: 160 });
    expect(parseZooSpec('squeezenet')).toEqual({ family: 'squeezenet', version: '1.1' });
    expect(parseZooSpec('squeezenet:1')).toEqual({ family: 'squeezenet', version: '1.0' });
  });

  it('formats back to the canonical spec', () => {
    for (const spec of ['lenet5', 'mobilenet_v1:0.25:128', 'mobilenet_v2:1.3:96', 'squeezenet:1.0']) {
      expect(formatZooSpec(parseZooSpec(spec))).toBe(spec);
    }
  });

  it('unknown families and extra parts list the valid forms', () => {
    expect(() => parseZooSpec('resnet50')).toThrow(UsageError);
    expect(() => parseZooSpec('resnet50')).toThrow(/^unknown zoo model 'resnet50'; valid forms: lenet5, lenet300, mobilenet_v1:ALPHA:SIZE/);
    expect(() => parseZooSpec('lenet5:2')).toThrow("unknown zoo model 'lenet5:2'");
    expect(() => parseZooSpec('mobilenet_v1:1.0:224:3')).toThrow('valid forms');
  });

  it('bad alpha, size and version values name the value and the allowed set', () => {
    expect(() => parseZooSpec('mobilenet_v1:0.35:224')).toThrow('mobilenet_v1 alpha must be one of 0.25, 0.5, 0.75, 1, got 0.35');
    expect(() => parseZooSpec('mobilenet_v2:0.35:300')).toThrow('mobilenet_v2 size must be one of 96, 128, 160, 192, 224, got 300');
    expect(() => parseZooSpec('mobilenet_v1:big')).toThrow("mobilenet_v1 alpha must be a number, got 'big'");
    expect(() => parseZooSpec('squeezenet:2.0')).toThrow('squeezenet version must be one of 1.0, 1.1, got 2.0');
  });
});

describe('looksLikeZooSpec / zooFamily', () => {
  it('recognizes family prefixes but not paths', () => {
    expect(looksLikeZooSpec('mobilenet_v1:0.3')).toBe(true);
    expect(looksLikeZooSpec('lenet5')).toBe(true);
    expect(looksLikeZooSpec('./models/lenet5')).toBe(false);
    expect(looksLikeZooSpec('model.json')).toBe(false);
  });

  it('maps specs to their preprocessing family', () => {
    expect(zooFamily(parseZooSpec('mobilenet_v1'))).toBe('mobilenet');
    expect(zooFamily(parseZooSpec('mobilenet_v2'))).toBe('mobilenet_v2');
    expect(zooFamily(parseZooSpec('squeezenet:1.0'))).toBe('squeezenet');
    expect(zooFamily(parseZooSpec('lenet300'))).toBe('lenet');
  });
});

describe('buildZooModel', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('builds LeNet-5 (431,080 params) and LeNet-300-100 (266,610)', () => {
    expect(buildZooModel('lenet5').countParams()).toBe(431_080);
    expect(buildZooModel('lenet300').countParams()).toBe(266_610);
  });

  it('builds the ImageNet models a spec names', () => {
    const m = buildZooModel('mobilenet_v2:0.35:96');
    expect(m.name).toBe('mobilenetv2_0.35_96');
    expect(m.inputs[0]!.shape).toEqual([null, 96, 96, 3]);
    expect(buildZooModel({ family: 'squeezenet', version: '1.0' }).countParams()).toBe(1_248_424);
  });
});
