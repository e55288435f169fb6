import { describe, expect, it } from 'vitest';
import { onnx } from './onnx-builder.js';
import { MAX_ONNX_FIXED_BATCH, onnxModelInfo } from './onnx-run.js';

type Tensor = Parameters<typeof onnx.TensorProto.create>[0];

/** A one-node graph (x · w) with the given initializer and input dims. */
function model(w: Tensor, inputDims: Array<number | string> = ['batch', 4]): Uint8Array {
  const valueInfo = (name: string, dims: Array<number | string>) =>
    onnx.ValueInfoProto.create({
      name,
      type: { tensorType: { elemType: 1, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
    });
  const graph = onnx.GraphProto.create({
    name: 'g',
    node: [onnx.NodeProto.create({ opType: 'MatMul', input: ['x', 'w'], output: ['y'] })],
    initializer: [onnx.TensorProto.create({ name: 'w', dataType: 1, ...w })],
    input: [valueInfo('x', inputDims)],
    output: [valueInfo('y', ['batch', 2])],
  });
  return onnx.ModelProto.encode(onnx.ModelProto.create({ irVersion: 7, graph })).finish();
}

describe('onnxModelInfo checks every count in the file before anything uses it', () => {
  it('a well-formed file gives its input, output and weight count', () => {
    const info = onnxModelInfo(model({ dims: [4, 2], rawData: new Uint8Array(32) }));
    expect(info).toEqual({ inputName: 'x', inputShape: [null, 4], outputName: 'y', params: 8 });
    expect(onnxModelInfo(model({ dims: [4, 2], floatData: [1, 2, 3, 4, 5, 6, 7, 8] })).params).toBe(8);
  });

  it.each([
    ['dims claiming 10^12 values with no data', { dims: [1_000_000, 1_000_000] }, 'initializer "w" declares dims [1000000, 1000000] (1000000000000 values) but holds 0 values'],
    ['raw data shorter than the dims', { dims: [4, 2], rawData: new Uint8Array(31) }, 'initializer "w" declares dims [4, 2] (8 values) but holds 31 bytes'],
    ['typed data shorter than the dims', { dims: [4, 2], floatData: [1, 2] }, 'initializer "w" declares dims [4, 2] (8 values) but holds 2 values'],
    ['a negative dimension', { dims: [-4, 2], rawData: new Uint8Array(32) }, 'initializer "w" has invalid dims [-4, 2]'],
    ['external data', { dims: [4, 2], dataLocation: 1, externalData: [{ key: 'location', value: '/etc/passwd' }] }, 'initializer "w" keeps its data in an external file'],
    ['an unknown data type', { dims: [1], dataType: 8, stringData: [new Uint8Array(1)] }, 'initializer "w" has unsupported data type 8'],
  ])('%s is refused', (_name, w, message) => {
    expect(() => onnxModelInfo(model(w as Tensor), 'm.onnx')).toThrow(`m.onnx: ${message}`);
  });

  it('a fixed batch larger than evaluation would allocate is refused', () => {
    const bytes = model({ dims: [4, 2], rawData: new Uint8Array(32) }, [1_000_000_000, 4]);
    expect(() => onnxModelInfo(bytes, 'm.onnx')).toThrow(`m.onnx: input dimension 0 is 1000000000, over the ${MAX_ONNX_FIXED_BATCH} smallnets accepts`);
  });

  it('bytes that are not protobuf are a one-line runtime error', () => {
    expect(() => onnxModelInfo(new Uint8Array([0x08, 0x07, 0x3a, 0xff, 0xff, 0xff, 0x0f]), 'm.onnx')).toThrow(/^m\.onnx is not a valid ONNX file: /);
  });
});
