/**
 * Accuracy of an opened model on a labelled split: a .snn file runs on the smallnets runtime by default
 * (no TF.js), everything else on TF.js (or onnxruntime for .onnx), as `OpenedModel.evaluate`.
 */
import type { Split } from '../data/split.js';
import { loadRuntimeModel, runtimeAccuracy } from '../runtime/index.js';
import type { OpenedModel } from './open-model.js';

export type EvaluateEngine = 'runtime' | 'tfjs';

export interface AccuracyResult {
  testAccuracy: number;
  /** What ran the model: 'runtime', 'tfjs' or 'onnxruntime'. */
  engine: string;
}

/**
 * Accuracy of `opened` (read from `location`) on `split`.
 * @example
 * const opened = await openModel('out/lenet5.snn');
 * const { testAccuracy, engine } = await accuracyOn(opened, 'out/lenet5.snn', loadMnist().test); // engine 'runtime'
 */
export async function accuracyOn(opened: OpenedModel, location: string, split: Split, engine: EvaluateEngine = 'runtime'): Promise<AccuracyResult> {
  if (opened.format === 'snn' && engine === 'runtime') {
    const net = await loadRuntimeModel(location);
    try {
      return { testAccuracy: runtimeAccuracy(net, split.images, split.labels, split.count), engine: 'runtime' };
    } finally {
      net.dispose();
    }
  }
  return { testAccuracy: await opened.evaluate(split), engine: opened.format === 'onnx' ? 'onnxruntime' : 'tfjs' };
}
