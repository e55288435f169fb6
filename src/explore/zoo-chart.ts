/**
 * The talk's "model size / performance" and "MobileNets performance" figures: ImageNet top-1
 * against multiply-adds (log axis), bubble area = parameters. For every ImageNet model the zoo
 * builds, params and MACs are counted by our analysis on the built model; the accuracy is the
 * published figure for the released checkpoint, with its source. The classic reference points
 * (AlexNet, VGG-16, GoogLeNet, Inception-v3, ResNet-50) are published figures throughout — we do not
 * build them.
 */
import { describeModel } from '../analysis/index.js';
import { buildZooModel, formatZooSpec, type ZooSpec } from '../models/zoo.js';
import { chartSvg, type ChartPoint } from './charts.js';

export interface ZooPoint {
  name: string;
  family: string;
  /** Zoo spec when we build the model (then params and MACs are ours). */
  spec?: string;
  top1: number;
  params: number;
  macs: number;
  /** Where the top-1 (and, for reference points, params and MACs) come from. */
  source: string;
  /** True when params and MACs were counted by smallnets on the built model. */
  counted: boolean;
}

const MOBILENET_V1 = 'Howard et al. 2017, released checkpoints (tensorflow/models research/slim/nets/mobilenet_v1.md)';
const MOBILENET_V2 = 'Sandler et al. 2018, released checkpoints (tensorflow/models research/slim/nets/mobilenet/README.md)';
const SQUEEZENET = 'Iandola et al. 2016, Table 2 (57.5% top-1 for v1.0; v1.1 "2.4× less computation, without sacrificing accuracy", forresti/SqueezeNet)';
const MOBILENET_PAPER = 'Howard et al. 2017 (MobileNets), Tables 8 and 10';
const SLIM = 'tensorflow/models research/slim README (top-1); ';

/** Published ImageNet top-1 (%) of the released MobileNet v1 checkpoints: α → size → top-1. */
const V1_TOP1: Record<string, Record<number, number>> = {
  '1': { 224: 70.9, 192: 70.0, 160: 68.0, 128: 65.2 },
  '0.75': { 224: 68.4, 192: 67.2, 160: 65.3, 128: 62.1 },
  '0.5': { 224: 63.3, 192: 61.7, 160: 59.1, 128: 56.3 },
  '0.25': { 224: 49.8, 192: 47.7, 160: 45.5, 128: 41.5 },
};

/** Published top-1 (%) of the released MobileNetV2 checkpoints at 224 pixels, by α. */
const V2_TOP1: Record<string, number> = { '1.4': 75.0, '1.3': 74.4, '1': 71.8, '0.75': 69.8, '0.5': 65.4, '0.35': 60.3 };

/** Models we do not build: published top-1, multiply-adds and parameters. */
export const REFERENCE_POINTS: readonly ZooPoint[] = [
  { name: 'AlexNet', family: 'reference', top1: 57.2, macs: 720e6, params: 60e6, source: MOBILENET_PAPER, counted: false },
  { name: 'VGG-16', family: 'reference', top1: 71.5, macs: 15_300e6, params: 138e6, source: MOBILENET_PAPER, counted: false },
  { name: 'GoogLeNet', family: 'reference', top1: 69.8, macs: 1_550e6, params: 6.8e6, source: MOBILENET_PAPER, counted: false },
  { name: 'Inception-v3', family: 'reference', top1: 78.0, macs: 5_000e6, params: 23.9e6, source: `${SLIM}Szegedy et al. 2016 (5 G multiply-adds); 23.9 M parameters (Keras Applications)`, counted: false },
  { name: 'ResNet-50', family: 'reference', top1: 75.2, macs: 3_800e6, params: 25.6e6, source: `${SLIM}He et al. 2016 (3.8 G multiply-adds, 25.6 M parameters)`, counted: false },
];

/** The zoo models on the chart, with their published top-1 and its source. */
export function zooEntries(): Array<{ spec: ZooSpec; name: string; family: string; top1: number; source: string }> {
  const entries: Array<{ spec: ZooSpec; name: string; family: string; top1: number; source: string }> = [];
  for (const [alpha, bySize] of Object.entries(V1_TOP1)) {
    for (const [size, top1] of Object.entries(bySize)) {
      entries.push({
        spec: { family: 'mobilenet_v1', alpha: Number(alpha), inputSize: Number(size) },
        name: `MobileNet v1 ${Number(alpha).toFixed(2)}-${size}`, family: 'MobileNet v1', top1, source: MOBILENET_V1,
      });
    }
  }
  for (const [alpha, top1] of Object.entries(V2_TOP1)) {
    entries.push({ spec: { family: 'mobilenet_v2', alpha: Number(alpha), inputSize: 224 }, name: `MobileNetV2 ${alpha}-224`, family: 'MobileNetV2', top1, source: MOBILENET_V2 });
  }
  entries.push({ spec: { family: 'squeezenet', version: '1.0' }, name: 'SqueezeNet 1.0', family: 'SqueezeNet', top1: 57.5, source: SQUEEZENET });
  entries.push({ spec: { family: 'squeezenet', version: '1.1' }, name: 'SqueezeNet 1.1', family: 'SqueezeNet', top1: 57.5, source: SQUEEZENET });
  return entries;
}

/**
 * Every chart point: zoo models counted on the built model (only those `include` accepts, default
 * all), then the reference points.
 *
 * @example
 * const points = zooPoints((spec) => spec.startsWith('squeezenet'));
 */
export function zooPoints(include: (spec: string) => boolean = () => true): ZooPoint[] {
  const counted: ZooPoint[] = [];
  for (const entry of zooEntries()) {
    const spec = formatZooSpec(entry.spec);
    if (!include(spec)) continue;
    const model = buildZooModel(entry.spec);
    try {
      const d = describeModel(model, { measureSparsity: false });
      counted.push({
        name: entry.name, family: entry.family, spec, top1: entry.top1,
        params: model.countParams(), macs: d.layers.reduce((s, l) => s + l.macs, 0), source: entry.source, counted: true,
      });
    } finally {
      model.dispose();
    }
  }
  return [...counted, ...REFERENCE_POINTS];
}

/** The bubble chart of `points` as a standalone SVG. */
export function zooChartSvg(points: readonly ZooPoint[]): Promise<string> {
  const chartPoints: ChartPoint[] = points.map((p) => ({
    x: p.macs, y: p.top1 / 100, size: p.params, label: p.name, group: p.family,
    // Label the ends of each MobileNet v1 row and every other model, so labels stay readable.
    labelled: p.family !== 'MobileNet v1' || / (1\.00|0\.25)-(224|128)$/.test(p.name),
  }));
  return chartSvg(chartPoints, {
    title: 'ImageNet top-1 vs multiply-adds (bubble area = parameters)',
    xTitle: 'multiply-adds per image (log)', yTitle: 'ImageNet top-1 (published)', sizeTitle: 'parameters', xLog: true,
    width: 760, height: 480,
  });
}
