/**
 * THE engine for compressed .snn digit models — the one file to change when the smallnets runtime
 * lands (src/runtime, `loadRuntimeModel(bytes)` → `net.predict(x, batch)`, no TF.js at run time).
 * Until then: decode the .snn with src/format in the browser (checksum and sizes verified), rebuild
 * the tf.layers model, and run it on TF.js. The draw view only sees `loadCompressedClassifier` and
 * `COMPRESSED_ENGINE`; build.json measures this chunk's download (today it includes TF.js).
 */
import { decodeSnn } from '../../../format/index.js';
import { snnToLayersModel } from '../../../models/snn-layers.js';
import { checkDigitClassifier } from '../models/open-model.js';
import { loadTfjs } from '../tfjs.js';
import type { DigitClassifier } from './digit-classifier.js';
import { tfjsClassifier } from './tfjs-classifier.js';

export const COMPRESSED_ENGINE = '.snn decoder + TF.js (cpu backend)';

/**
 * A .snn file's bytes → a digit classifier. Throws one readable line for a malformed file.
 * @example
 * const classifier = await loadCompressedClassifier(new Uint8Array(await (await fetch('lenet5.snn')).arrayBuffer()), 'lenet5.snn');
 */
export async function loadCompressedClassifier(bytes: Uint8Array, label: string): Promise<DigitClassifier> {
  await loadTfjs();
  const model = await snnToLayersModel(decodeSnn(bytes));
  checkDigitClassifier(model, label);
  return tfjsClassifier(model, COMPRESSED_ENGINE);
}
