import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { initBackend } from '../engine/backend.js';
import { loadMnist } from '../data/mnist.js';
import { head } from '../data/split.js';
import { lenet300 } from '../models/lenet.js';
import { saveModel } from '../models/io.js';
import { encodeModel } from '../models/snn-model.js';
import { exportOnnx } from '../export/onnx.js';
import { evaluateAccuracy } from '../training/evaluate.js';
import { openLayersModel, openModel } from './open-model.js';

describe('openModel: one way to open every format', () => {
  let dir: string;
  let server: Server;
  let base: string;
  let model: ReturnType<typeof lenet300>;
  const test = head(loadMnist().test, 200);
  let expected: number;

  beforeAll(async () => {
    await initBackend('cpu');
    model = lenet300(3);
    expected = evaluateAccuracy(model, test);
    dir = await mkdtemp(path.join(tmpdir(), 'smallnets-open-'));
    await saveModel(model, path.join(dir, 'tfjs'));
    await writeFile(path.join(dir, 'm.snn'), (await encodeModel(model)).bytes);
    await writeFile(path.join(dir, 'm.onnx'), exportOnnx(model));
    server = createServer((req, res) => {
      readFile(path.join(dir, decodeURIComponent(req.url ?? '').replace(/^\/+/, '')))
        .then((bytes) => res.end(bytes))
        .catch(() => res.writeHead(404).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(async () => {
    server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['a TF.js directory', 'tfjs', 'tfjs'],
    ['a model.json', 'tfjs/model.json', 'tfjs'],
    ['a .snn file', 'm.snn', 'snn'],
    ['an .onnx file', 'm.onnx', 'onnx'],
  ])('%s opens with the same parameters and accuracy', async (_, file, format) => {
    const opened = await openModel(path.join(dir, file));
    expect(opened.format).toBe(format);
    expect(opened.params).toBe(266_610);
    expect(await opened.evaluate(test)).toBeCloseTo(expected, 2);
    expect(opened.layers === null).toBe(format === 'onnx');
    expect(opened.snn !== null).toBe(format === 'snn');
    expect(opened.weightSpecs !== null).toBe(format === 'tfjs');
    opened.dispose();
  });

  it('a zoo spec builds the model and knows its family', async () => {
    const opened = await openLayersModel('lenet300');
    expect(opened).toMatchObject({ format: 'zoo', family: 'lenet', params: 266_610 });
    opened.dispose();
  });

  it('content decides, not the name: a .snn renamed .onnx still opens as .snn', async () => {
    const renamed = path.join(dir, 'really-snn.onnx');
    await copyFile(path.join(dir, 'm.snn'), renamed);
    const opened = await openModel(renamed);
    expect(opened.format).toBe('snn');
    opened.dispose();
  });

  it('URLs: a .snn and a TF.js model.json served over http', async () => {
    const snn = await openModel(`${base}/m.snn`);
    expect(snn.format).toBe('snn');
    expect(await snn.evaluate(test)).toBeCloseTo(expected, 2);
    const tfjs = await openModel(`${base}/tfjs/model.json`);
    expect(tfjs.format).toBe('tfjs');
    snn.dispose();
    tfjs.dispose();
    await expect(openModel(`${base}/missing.snn`)).rejects.toThrow(/HTTP 404/);
  });

  it('what is not a model is named, not dumped as bytes', async () => {
    const png = new PNG({ width: 2, height: 2 });
    await writeFile(path.join(dir, 'digit.png'), PNG.sync.write(png));
    await expect(openModel(path.join(dir, 'digit.png'))).rejects.toThrow(/digit\.png is a PNG image;/);
    await expect(openModel(path.join(dir, 'tfjs', 'weights.bin'))).rejects.toThrow(/weights\.bin is not a model file smallnets knows \(binary data: a TF\.js weight shard\?\)/);
    const bad = path.join(dir, 'bad.onnx');
    await writeFile(bad, new Uint8Array([0xff, 0xff, 0xff, 0x01, 0x02]));
    await expect(openModel(bad)).rejects.toMatchObject({ name: 'RuntimeError', message: expect.stringMatching(/not a valid ONNX file/) });
  });

  it('unknown names list the zoo forms (usage error); missing paths say so (runtime error)', async () => {
    await expect(openModel('mobilenet')).rejects.toMatchObject({ name: 'UsageError', message: expect.stringMatching(/unknown model 'mobilenet'.*mobilenet_v1:ALPHA:SIZE/) });
    await expect(openModel(path.join(dir, 'nope'))).rejects.toMatchObject({ name: 'RuntimeError', message: expect.stringMatching(/does not exist/) });
    await expect(openModel(path.join(dir, 'missing.onnx'))).rejects.toThrow(/does not exist/);
  });

  it('openLayersModel refuses ONNX, naming the format', async () => {
    await expect(openLayersModel(path.join(dir, 'm.onnx'))).rejects.toThrow(/is an ONNX model; this needs a TF\.js model or a \.snn file/);
  });

  it('an empty directory is not a model', async () => {
    await mkdir(path.join(dir, 'empty'));
    await expect(openModel(path.join(dir, 'empty'))).rejects.toThrow(/cannot read model\.json .*empty.*no such file/);
  });
});
