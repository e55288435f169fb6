/**
 * A small ONNX graph builder over the protobufjs classes of `onnx-proto`: nodes, initializers (as
 * little-endian raw_data), graph inputs/outputs, and serialization to a ModelProto. It knows nothing
 * about Keras; onnx.ts and onnx-layers.ts decide what to emit.
 *
 * onnx-proto is CommonJS with `module.exports = root`, so Node's ESM loader exposes it only as the
 * default export (a named `import { onnx }` is undefined at run time).
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
export { onnx };

/** Opset 13: per-axis DequantizeLinear, Softmax on one axis, Pad/Clip/Reshape with tensor inputs. */
export const ONNX_OPSET = 13;
/** IR version 7 is the one that introduced opset 13. */
export const ONNX_IR_VERSION = 7;

export type OnnxDType = 'float32' | 'int8' | 'uint8' | 'int32' | 'int64';

const DATA_TYPES: Record<OnnxDType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  int8: onnx.TensorProto.DataType.INT8,
  uint8: onnx.TensorProto.DataType.UINT8,
  int32: onnx.TensorProto.DataType.INT32,
  int64: onnx.TensorProto.DataType.INT64,
};

export type TensorData = Float32Array | Int8Array | Uint8Array | Int32Array | BigInt64Array;

/** Attribute values the exporter uses: ints, floats, int lists. */
export type AttrValue = number | number[] | { float: number };

/** One graph dimension: a fixed size or a named symbolic one (the batch). */
export type Dim = number | string;

export class OnnxGraphBuilder {
  private readonly nodes: InstanceType<typeof onnx.NodeProto>[] = [];
  private readonly initializers: InstanceType<typeof onnx.TensorProto>[] = [];
  private readonly inputs: InstanceType<typeof onnx.ValueInfoProto>[] = [];
  private readonly outputs: InstanceType<typeof onnx.ValueInfoProto>[] = [];
  private readonly used = new Set<string>();

  /** A value name not used yet, derived from `base` (ONNX names must be unique in the graph). */
  uniqueName(base: string): string {
    let name = base;
    for (let i = 1; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }

  /** Add a constant tensor; returns its (unique) name. */
  initializer(base: string, dtype: OnnxDType, dims: readonly number[], data: TensorData): string {
    const count = dims.reduce((a, b) => a * b, 1);
    if (data.length !== count) throw new Error(`initializer ${base}: ${data.length} values for dims [${dims.join(', ')}]`);
    const name = this.uniqueName(base);
    const raw = new Uint8Array(data.byteLength);
    raw.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    if (!littleEndian()) throw new Error('ONNX export needs a little-endian platform');
    this.initializers.push(onnx.TensorProto.create({ name, dataType: DATA_TYPES[dtype], dims: [...dims], rawData: raw }));
    return name;
  }

  /** An int64 constant (shapes, pads, axes). */
  int64(base: string, values: readonly number[]): string {
    return this.initializer(base, 'int64', [values.length], BigInt64Array.from(values, (v) => BigInt(v)));
  }

  /** A float32 scalar constant. */
  scalar(base: string, value: number): string {
    return this.initializer(base, 'float32', [], Float32Array.of(value));
  }

  /** Append a node; returns the names of its outputs (derived from `outputBase`). */
  node(opType: string, inputs: readonly string[], outputBase: string, attrs: Record<string, AttrValue> = {}, outputCount = 1): string[] {
    const outputs = Array.from({ length: outputCount }, (_, i) => this.uniqueName(outputCount === 1 ? outputBase : `${outputBase}_${i}`));
    const attribute = Object.entries(attrs).map(([name, value]) => attributeProto(name, value));
    this.nodes.push(onnx.NodeProto.create({ opType, input: [...inputs], output: outputs, name: outputs[0], attribute }));
    return outputs;
  }

  /** Shorthand for a single-output node. */
  op(opType: string, inputs: readonly string[], outputBase: string, attrs: Record<string, AttrValue> = {}): string {
    return this.node(opType, inputs, outputBase, attrs)[0]!;
  }

  /** Declare a float32 graph input. */
  input(base: string, dims: readonly Dim[]): string {
    const name = this.uniqueName(base);
    this.inputs.push(valueInfo(name, dims));
    return name;
  }

  /**
   * Declare a graph output named `name` (reserve it with uniqueName before building the graph, so no
   * inner value takes it): an Identity from `value` keeps output names equal to Keras layer names.
   */
  output(name: string, value: string, dims: readonly Dim[]): string {
    this.nodes.push(onnx.NodeProto.create({ opType: 'Identity', input: [value], output: [name], name }));
    this.outputs.push(valueInfo(name, dims));
    return name;
  }

  /** Serialize as an ONNX ModelProto. */
  toBytes(meta: { graphName: string; producerVersion: string; docString?: string }): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: ONNX_IR_VERSION,
      opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: ONNX_OPSET })],
      producerName: 'smallnets',
      producerVersion: meta.producerVersion,
      docString: meta.docString ?? '',
      graph: onnx.GraphProto.create({
        name: meta.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      }),
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

function attributeProto(name: string, value: AttrValue): InstanceType<typeof onnx.AttributeProto> {
  const T = onnx.AttributeProto.AttributeType;
  if (Array.isArray(value)) return onnx.AttributeProto.create({ name, type: T.INTS, ints: value });
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`attribute ${name}: integer expected, got ${value}`);
    return onnx.AttributeProto.create({ name, type: T.INT, i: value });
  }
  return onnx.AttributeProto.create({ name, type: T.FLOAT, f: value.float });
}

function valueInfo(name: string, dims: readonly Dim[]): InstanceType<typeof onnx.ValueInfoProto> {
  return onnx.ValueInfoProto.create({
    name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: onnx.TensorShapeProto.create({
          dim: dims.map((d) => onnx.TensorShapeProto.Dimension.create(typeof d === 'number' ? { dimValue: d } : { dimParam: d })),
        }),
      }),
    }),
  });
}

function littleEndian(): boolean {
  return new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;
}

/** Decode an ONNX file (used by the evaluator and tests to inspect what was written). */
export function decodeOnnx(bytes: Uint8Array): InstanceType<typeof onnx.ModelProto> {
  return onnx.ModelProto.decode(bytes);
}
