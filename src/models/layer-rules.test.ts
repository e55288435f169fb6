import { beforeAll, describe, expect, it } from 'vitest';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../engine/backend.js';
import { modelArtifacts } from './io.js';
import { inspectTopology } from './model-topology.js';
import { LAYER_RULES } from './layer-rules.js';
import { lenet300, lenet5 } from './lenet.js';
import { buildZooModel, parseZooSpec } from './zoo.js';

interface Built {
  weights: string[];
  outputs: unknown[];
}

/**
 * What TF.js builds when it loads the model's saved topology (what a file gives it — which is not
 * always the model in memory: TF.js does not save SeparableConv2D's depthMultiplier, for one).
 */
async function rebuilt(model: tfl.LayersModel): Promise<Built> {
  const again = await tfl.models.modelFromJSON({ modelTopology: (await modelArtifacts(model)).modelTopology as never });
  const result = {
    weights: again.weights.map((w) => `${w.originalName} ${JSON.stringify(w.shape)}`).sort(),
    outputs: again.outputs.map((o) => o.shape),
  };
  again.dispose();
  return result;
}

/** What inspectTopology predicts from the saved topology alone, without building. */
async function predicted(model: tfl.LayersModel): Promise<Built> {
  const facts = inspectTopology((await modelArtifacts(model)).modelTopology, 'model');
  return { weights: facts.weights.map((w) => `${w.layer}/${w.name} ${JSON.stringify(w.shape)}`).sort(), outputs: facts.outputShapes };
}

function sequential(inputShape: number[], ...layers: tfl.layers.Layer[]): tfl.LayersModel {
  const model = tfl.sequential();
  model.add(tfl.layers.inputLayer({ inputShape }));
  for (const layer of layers) model.add(layer);
  return model;
}

function merged(kind: 'add' | 'multiply' | 'average' | 'maximum' | 'minimum' | 'concatenate'): tfl.LayersModel {
  const input = tfl.input({ shape: [6, 6, 3] });
  const a = tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: `${kind}_a` }).apply(input) as tfl.SymbolicTensor;
  const b = tfl.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 1, padding: 'same', name: `${kind}_b` }).apply(
    tfl.layers.conv2d({ filters: 4, kernelSize: 1, name: `${kind}_c` }).apply(input) as tfl.SymbolicTensor,
  ) as tfl.SymbolicTensor;
  const layer = kind === 'concatenate' ? tfl.layers.concatenate({ axis: -1 }) : tfl.layers[kind]();
  const out = tfl.layers.dense({ units: 2, name: `${kind}_head` }).apply(tfl.layers.flatten().apply(layer.apply([a, b]) as tfl.SymbolicTensor));
  return tfl.model({ inputs: input, outputs: out as tfl.SymbolicTensor });
}

/** One small model per rule (several for rules with options), all built by TF.js itself. */
const CASES: Record<string, () => tfl.LayersModel> = {
  'Dense on a rank-3 input': () => sequential([3, 5], tfl.layers.dense({ units: 7 })),
  'Dense without bias': () => sequential([5], tfl.layers.dense({ units: 2, useBias: false })),
  'Conv2D valid, strides 2': () => sequential([11, 9, 3], tfl.layers.conv2d({ filters: 4, kernelSize: [3, 2], strides: 2 })),
  'Conv2D same, dilation 2': () => sequential([10, 10, 2], tfl.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', dilationRate: 2 })),
  'Conv2D channels first': () => sequential([2, 8, 8], tfl.layers.conv2d({ filters: 3, kernelSize: 3, dataFormat: 'channelsFirst' })),
  'Conv2DTranspose valid and same': () =>
    sequential([5, 5, 2], tfl.layers.conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2 }), tfl.layers.conv2dTranspose({ filters: 2, kernelSize: 2, strides: 2, padding: 'same' })),
  'DepthwiseConv2D multiplier 2': () => sequential([7, 7, 3], tfl.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2 })),
  'SeparableConv2D': () => sequential([7, 7, 3], tfl.layers.separableConv2d({ filters: 5, kernelSize: 3, depthMultiplier: 2, padding: 'same' })),
  'BatchNormalization, last axis and axis 1 without centre': () =>
    sequential([4, 5, 3], tfl.layers.batchNormalization(), tfl.layers.batchNormalization({ axis: 1, center: false })),
  'PReLU with a shared axis': () => sequential([4, 4, 3], tfl.layers.prelu({ sharedAxes: [1, 2] })),
  'activations and dropouts': () =>
    sequential([6], tfl.layers.activation({ activation: 'tanh' }), tfl.layers.reLU(), tfl.layers.leakyReLU(), tfl.layers.elu(),
      tfl.layers.thresholdedReLU(), tfl.layers.softmax(), tfl.layers.dropout({ rate: 0.1 }), tfl.layers.gaussianNoise({ stddev: 1 }),
      tfl.layers.gaussianDropout({ rate: 0.1 }), tfl.layers.alphaDropout({ rate: 0.1 })),
  'pooling, valid and same, odd sizes': () =>
    sequential([9, 7, 2], tfl.layers.maxPooling2d({ poolSize: 2 }), tfl.layers.averagePooling2d({ poolSize: 3, strides: 1, padding: 'same' })),
  'global pooling': () => sequential([5, 5, 4], tfl.layers.globalAveragePooling2d({})),
  'global max pooling': () => sequential([5, 5, 4], tfl.layers.globalMaxPooling2d({})),
  'reshape with -1, permute, flatten': () =>
    sequential([4, 6], tfl.layers.reshape({ targetShape: [3, -1] }), tfl.layers.permute({ dims: [2, 1] }), tfl.layers.reshape({ targetShape: [2, 2, 6] }), tfl.layers.flatten()),
  'zero padding, cropping, up-sampling': () =>
    sequential([5, 6, 2], tfl.layers.zeroPadding2d({ padding: [[1, 2], [0, 3]] }), tfl.layers.cropping2D({ cropping: [[1, 0], [2, 1]] }),
      tfl.layers.upSampling2d({ size: [2, 3] }), tfl.layers.conv2d({ filters: 1, kernelSize: 1 })),
  add: () => merged('add'),
  multiply: () => merged('multiply'),
  average: () => merged('average'),
  maximum: () => merged('maximum'),
  minimum: () => merged('minimum'),
  concatenate: () => merged('concatenate'),
};

describe('layer rules predict exactly what TF.js builds', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('every rule in the table has a case here', () => {
    const covered = new Set<string>();
    for (const make of Object.values(CASES)) for (const layer of make().layers) covered.add(layer.getClassName());
    expect(Object.keys(LAYER_RULES).filter((c) => !covered.has(c))).toEqual([]);
  });

  for (const [name, make] of Object.entries(CASES)) {
    it(name, async () => {
      const model = make();
      expect(await predicted(model)).toEqual(await rebuilt(model));
    });
  }

  for (const spec of ['lenet300', 'lenet5', 'mobilenet_v1:0.25:128', 'mobilenet_v2:0.35:96', 'squeezenet:1.1']) {
    it(`zoo ${spec}: every weight name and shape, and the output`, async () => {
      const model = spec === 'lenet300' ? lenet300(1) : spec === 'lenet5' ? lenet5(1) : buildZooModel(parseZooSpec(spec));
      const facts = await predicted(model);
      expect(facts.weights.length).toBeGreaterThan(0);
      expect(facts).toEqual(await rebuilt(model));
      model.dispose();
    });
  }
});
