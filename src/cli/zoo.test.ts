import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zooEntries } from '../explore/zoo-chart.js';
import { runCli } from './run-cli.test-util.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'smallnets-zoo-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('smallnets zoo', () => {
  it('counts params and MACs on the built models, shows published top-1 with sources, draws the bubble chart', async () => {
    const chart = path.join(dir, 'zoo.svg');
    const r = await runCli(['zoo', '--family', 'squeezenet', '--chart', chart, '--format', 'markdown', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout.trim().split('\n').pop()!) as { models: Array<Record<string, unknown>> };
    const byName = new Map(result.models.map((m) => [m['name'], m]));
    expect(byName.get('SqueezeNet 1.0')).toMatchObject({ spec: 'squeezenet:1.0', params: 1_248_424, macs: 832_667_936, top1: 57.5, counted: true });
    expect(byName.get('SqueezeNet 1.1')).toMatchObject({ params: 1_235_496, macs: 352_540_352, counted: true });
    for (const name of ['AlexNet', 'VGG-16', 'GoogLeNet', 'Inception-v3', 'ResNet-50']) expect(byName.get(name), name).toMatchObject({ counted: false });
    expect(r.stderr).toMatch(/\| SqueezeNet 1\.0 \| squeezenet:1\.0 \| 57\.5% \| 1,248,424 \| 832,667,936 \| Iandola et al\. 2016/);
    const svg = await readFile(chart, 'utf8');
    for (const label of ['SqueezeNet 1.1', 'VGG-16', 'ResNet-50', 'multiply-adds per image (log)']) expect(svg).toContain(label);
    expect((await runCli(['zoo', '--chart', chart])).code).toBe(2); // exists, no --force
  });

  it('the chart covers the MobileNet v1 α × resolution grid and every MobileNetV2 α with a published top-1', () => {
    const entries = zooEntries();
    expect(entries.filter((e) => e.family === 'MobileNet v1')).toHaveLength(16);
    expect(entries.filter((e) => e.family === 'MobileNetV2').map((e) => e.top1)).toEqual([71.8, 75.0, 74.4, 69.8, 65.4, 60.3]);
    expect(entries.every((e) => e.top1 > 40 && e.top1 < 80 && e.source.length > 10)).toBe(true);
  });
});
