/**
 * .snn files on disk or at a URL, read with a size cap and decoded (the container itself is
 * src/format; the model glue, browser-safe, is snn-layers.ts, re-exported here).
 */
import { decodeSnn } from '../format/index.js';
import type { SnnModel } from '../format/spec.js';
import { readLocation } from './read-bytes.js';
import { snnToLayersModel } from './snn-layers.js';
import type * as tfl from '@tensorflow/tfjs-layers';

export { encodeModel, modelWeightValues, snnToArtifacts, snnToLayersModel, type EncodingHints, type WeightValues } from './snn-layers.js';

/** .snn files larger than this are refused before reading (the LeNets compress to kilobytes). */
export const MAX_SNN_FILE_BYTES = 1 << 30;

/** Read and decode a .snn file or URL (size capped; checksum, version and every size verified by the reader). */
export async function readSnnFile(location: string): Promise<SnnModel> {
  return decodeSnn(await readLocation(location, '.snn file', MAX_SNN_FILE_BYTES));
}

export async function loadSnnModel(location: string): Promise<tfl.LayersModel> {
  return snnToLayersModel(await readSnnFile(location));
}
