/**
 * Test helper: small hostile files, one per way a file can try to make a decoder allocate, hang or
 * run code — each of which smallnets must refuse with a one-line RuntimeError while staying within a
 * memory bound (src/pipeline/hostile-memory.test.ts opens them in a child process and reads its peak
 * RSS). Every file is a few KB at most.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { encodeSnn } from '../format/index.js';
import { onnx } from '../export/onnx-builder.js';
import { pattern, pngHeaderOnly, pngWithSize, rawPng, rgbJpeg, withJpegSize } from '../data/image-fixtures.test-util.js';

export interface HostileCase {
  name: string;
  /** How the case is opened: as a model (openModel) or as an image (readImageFile). */
  kind: 'model' | 'image';
  /** File or directory name under the cases' directory. */
  file: string;
  /** Part of the refusal message. */
  refusal: RegExp;
  /** Writes the case's file(s) at `at`. */
  write(at: string): Promise<void>;
}

type Json = Record<string, unknown>;

const denseTopology = (units: number, inputs: number): Json => ({
  class_name: 'Sequential',
  config: { name: 'm', layers: [{ class_name: 'Dense', config: { name: 'd', units, batch_input_shape: [null, inputs] } }] },
});

const manifest = (weights: Array<{ name: string; shape: number[] }>, paths = ['weights.bin']) => [{ paths, weights: weights.map((w) => ({ ...w, dtype: 'float32' })) }];

/** A model directory: model.json and shards. */
const modelDir = (modelJson: Json | string, shards: Record<string, Uint8Array> = {}) => async (at: string): Promise<void> => {
  await mkdir(at, { recursive: true });
  await writeFile(path.join(at, 'model.json'), typeof modelJson === 'string' ? modelJson : JSON.stringify(modelJson));
  for (const [file, bytes] of Object.entries(shards)) await writeFile(path.join(at, file), bytes);
};

const file = (bytes: () => Uint8Array) => async (at: string): Promise<void> => writeFile(at, bytes());

function onnxFile(dims: number[], rawData: Uint8Array | undefined, inputDims: number[]): Uint8Array {
  const info = (name: string, shape: number[]) => onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: 1, shape: { dim: shape.map((d) => ({ dimValue: d })) } } } });
  const graph = onnx.GraphProto.create({
    node: [onnx.NodeProto.create({ opType: 'MatMul', input: ['x', 'w'], output: ['y'] })],
    initializer: [onnx.TensorProto.create({ name: 'w', dataType: 1, dims, ...(rawData ? { rawData } : {}) })],
    input: [info('x', inputDims)],
    output: [info('y', [1, 10])],
  });
  return onnx.ModelProto.encode(onnx.ModelProto.create({ irVersion: 7, graph })).finish();
}

export const HOSTILE_CASES: readonly HostileCase[] = [
  {
    name: 'model.json declaring a 784×500,000 Dense layer (1 KB)',
    kind: 'model',
    file: 'huge-dense',
    refusal: /layer d \(Dense\) weight kernel is \[784, 500000\] in the topology but \[784, 1\]/,
    write: modelDir({ modelTopology: denseTopology(500_000, 784), weightsManifest: manifest([{ name: 'd/kernel', shape: [784, 1] }, { name: 'd/bias', shape: [1] }]) }, { 'weights.bin': new Uint8Array(785 * 4) }),
  },
  {
    name: 'model.json with a 100,000×100,000×3 input',
    kind: 'model',
    file: 'huge-input',
    refusal: /values per example, over the/,
    write: modelDir({ modelTopology: { class_name: 'Sequential', config: { name: 'm', layers: [{ class_name: 'MaxPooling2D', config: { name: 'p', batch_input_shape: [null, 100_000, 100_000, 3] } }] } } }),
  },
  {
    name: 'manifest declaring 400 MB of weights over a 10-byte shard',
    kind: 'model',
    file: 'short-shard',
    refusal: /hold 10 bytes but the manifest declares 400040000/,
    write: modelDir({ modelTopology: denseTopology(10_000, 10_000), weightsManifest: manifest([{ name: 'd/kernel', shape: [10_000, 10_000] }, { name: 'd/bias', shape: [10_000] }]) }, { 'weights.bin': new Uint8Array(10) }),
  },
  {
    // 200 spellings of one 1 MiB file whose sizes add up to exactly what the manifest declares (200 MiB).
    name: 'manifest naming one 1 MiB shard 200 times for 200 MiB of weights',
    kind: 'model',
    file: 'repeated-shard',
    refusal: /lists the weight shard file .*w\.bin more than once/,
    write: modelDir(
      {
        modelTopology: denseTopology(51_200, 1023),
        weightsManifest: manifest([{ name: 'd/kernel', shape: [1023, 51_200] }, { name: 'd/bias', shape: [51_200] }], Array.from({ length: 200 }, (_, i) => `${'./'.repeat(i)}w.bin`)),
      },
      { 'w.bin': new Uint8Array(1 << 20) },
    ),
  },
  {
    name: 'model.json nested 100,000 levels deep',
    kind: 'model',
    file: 'deep',
    refusal: /nests deeper than 64 levels/,
    write: modelDir(`{"modelTopology": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`),
  },
  {
    name: 'functional model with a cycle (stock TF.js loops forever)',
    kind: 'model',
    file: 'cycle',
    refusal: /a missing node index or a cycle/,
    write: modelDir({
      modelTopology: {
        class_name: 'Model',
        config: {
          name: 'f',
          layers: [
            { name: 'x', class_name: 'InputLayer', config: { name: 'x', batch_input_shape: [null, 4] }, inbound_nodes: [] },
            { name: 'a', class_name: 'Dense', config: { name: 'a', units: 2 }, inbound_nodes: [[['b', 0, 0, {}]]] },
            { name: 'b', class_name: 'Dense', config: { name: 'b', units: 2 }, inbound_nodes: [[['a', 0, 0, {}]]] },
          ],
          input_layers: [['x', 0, 0]],
          output_layers: [['b', 0, 0]],
        },
      },
    }),
  },
  {
    name: '.snn whose topology declares a 784×500,000 Dense layer',
    kind: 'model',
    file: 'huge-dense.snn',
    refusal: /weight kernel \[784, 500000\] is not in the file's tensors/,
    write: file(() => encodeSnn({ topology: denseTopology(500_000, 784) as never, metadata: null, tensors: [] })),
  },
  {
    name: '69-byte PNG claiming 7000×7000',
    kind: 'image',
    file: 'bomb.png',
    refusal: /claims 7000×7000 pixels but holds only/,
    write: file(() => pngWithSize(rawPng(4, 4, 2, pattern(4, 4, 3)), 7000, 7000)),
  },
  {
    name: 'PNG claiming 7000×7000 over the IDAT of a 64×64 image',
    kind: 'image',
    file: 'zlib-bomb.png',
    refusal: /claims 7000×7000 pixels but holds only/,
    write: file(() => pngWithSize(rawPng(64, 64, 0, new Uint8Array(64 * 64)), 7000, 7000)),
  },
  {
    name: 'PNG header claiming 100,000×100,000',
    kind: 'image',
    file: 'huge.png',
    refusal: /over the 50-megapixel limit/,
    write: file(() => pngHeaderOnly(100_000, 100_000)),
  },
  {
    name: '616-byte JPEG claiming 7000×7000',
    kind: 'image',
    file: 'bomb.jpg',
    refusal: /claims 7000×7000 pixels but holds only/,
    write: file(() => withJpegSize(rgbJpeg(8, 8, pattern(8, 8, 3)), 7000, 7000)),
  },
  {
    name: 'ONNX initializer declaring 10^12 values with no data',
    kind: 'model',
    file: 'values.onnx',
    refusal: /declares dims \[1000000, 1000000\]/,
    write: file(() => onnxFile([1_000_000, 1_000_000], undefined, [1, 28, 28, 1])),
  },
  {
    name: 'ONNX input with a fixed batch of 10^9',
    kind: 'model',
    file: 'batch.onnx',
    refusal: /input dimension 0 is 1000000000/,
    write: file(() => onnxFile([1], new Uint8Array(4), [1_000_000_000, 28, 28, 1])),
  },
];

/** Write every case under `dir`; returns the paths, in HOSTILE_CASES order. */
export async function writeHostileFiles(dir: string): Promise<string[]> {
  const paths: string[] = [];
  for (const c of HOSTILE_CASES) {
    const at = path.join(dir, c.file);
    await c.write(at);
    paths.push(at);
  }
  return paths;
}
