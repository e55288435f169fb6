/**
 * Zoo specs: the short strings the CLI accepts in place of a model path.
 *
 *   lenet5 | lenet300 | mobilenet_v1[:ALPHA[:SIZE[:imagenet]]] | mobilenet_v2[:ALPHA[:SIZE]] | squeezenet[:1.0|1.1]
 *
 * Omitted parts take the builders' defaults (α 1.0, 224 pixels, SqueezeNet 1.1). `:imagenet` loads the
 * published ImageNet weights (downloaded once and cached, models/pretrained.ts); otherwise weights are random.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { UsageError } from '../errors.js';
import { ZOO_SPEC_FORMS } from './zoo-forms.js';
import type { ModelFamily } from './imagenet.js';
import { lenet300, lenet5 } from './lenet.js';
import { MOBILENET_V1_ALPHAS, MOBILENET_V1_SIZES, checkOneOf, mobilenetV1 } from './mobilenet-v1.js';
import { MOBILENET_V2_ALPHAS, MOBILENET_V2_SIZES, mobilenetV2 } from './mobilenet-v2.js';
import { SQUEEZENET_VERSIONS, squeezenet, type SqueezeNetVersion } from './squeezenet.js';
import type { PretrainedOptions } from './pretrained.js';

export type ZooSpec =
  | { family: 'lenet5' }
  | { family: 'lenet300' }
  | { family: 'mobilenet_v1'; alpha: number; inputSize: number; weights?: 'imagenet' }
  | { family: 'mobilenet_v2'; alpha: number; inputSize: number }
  | { family: 'squeezenet'; version: SqueezeNetVersion };

export { ZOO_SPEC_FORMS } from './zoo-forms.js';

const FAMILIES = ['lenet5', 'lenet300', 'mobilenet_v1', 'mobilenet_v2', 'squeezenet'] as const;

/**
 * Whether `text` names a zoo family (so a CLI should treat it as a spec, not a path). A spec with a
 * bad alpha still "looks like" one, so that parsing reports the bad value instead of "no such file".
 */
export function looksLikeZooSpec(text: string): boolean {
  const family = text.split(':')[0];
  return (FAMILIES as readonly string[]).includes(family ?? '');
}

function unknownSpec(text: string): UsageError {
  return new UsageError(`unknown zoo model '${text}'; valid forms: ${ZOO_SPEC_FORMS.join(', ')}`);
}

/** A decimal number, or a UsageError naming the part. */
function parseNumber(what: string, text: string): number {
  if (!/^\d+(\.\d+)?$/.test(text)) throw new UsageError(`${what} must be a number, got '${text}'`);
  return Number(text);
}

/**
 * Parse a zoo spec; unknown families, extra parts and values outside the allowed sets are
 * UsageErrors naming the value.
 *
 * @example
 * parseZooSpec('mobilenet_v1:0.25:128'); // { family: 'mobilenet_v1', alpha: 0.25, inputSize: 128 }
 */
export function parseZooSpec(text: string): ZooSpec {
  const [family, ...parts] = text.trim().split(':');
  switch (family) {
    case 'lenet5':
    case 'lenet300':
      if (parts.length > 0) throw unknownSpec(text);
      return { family };
    case 'mobilenet_v1':
    case 'mobilenet_v2': {
      const v1 = family === 'mobilenet_v1';
      const imagenet = v1 && parts.length === 3 && parts[2] === 'imagenet';
      if (parts.length > (imagenet ? 3 : 2)) throw unknownSpec(text);
      const alpha = parts[0] === undefined ? 1.0 : parseNumber(`${family} alpha`, parts[0]);
      const inputSize = parts[1] === undefined ? 224 : parseNumber(`${family} size`, parts[1]);
      checkOneOf(`${family} alpha`, alpha, v1 ? MOBILENET_V1_ALPHAS : MOBILENET_V2_ALPHAS);
      checkOneOf(`${family} size`, inputSize, v1 ? MOBILENET_V1_SIZES : MOBILENET_V2_SIZES);
      return imagenet ? { family: 'mobilenet_v1', alpha, inputSize, weights: 'imagenet' } : { family, alpha, inputSize };
    }
    case 'squeezenet': {
      if (parts.length > 1) throw unknownSpec(text);
      // Accept "1" and "1.10"-style spellings of the two versions by value.
      const value = parts[0] === undefined ? 1.1 : parseNumber('squeezenet version', parts[0]);
      const version = SQUEEZENET_VERSIONS.find((v) => Number(v) === value);
      if (version === undefined) checkOneOf('squeezenet version', parts[0], SQUEEZENET_VERSIONS);
      return { family, version: version as SqueezeNetVersion };
    }
    default:
      throw unknownSpec(text);
  }
}

/** The spec in canonical text form, e.g. `mobilenet_v1:0.25:128`. */
export function formatZooSpec(spec: ZooSpec): string {
  switch (spec.family) {
    case 'lenet5':
    case 'lenet300':
      return spec.family;
    case 'mobilenet_v1':
    case 'mobilenet_v2':
      return `${spec.family}:${spec.alpha}:${spec.inputSize}${spec.family === 'mobilenet_v1' && spec.weights ? `:${spec.weights}` : ''}`;
    case 'squeezenet':
      return `squeezenet:${spec.version}`;
  }
}

/** Which preprocessing the family's pretrained weights expect (see `preprocessInput`). */
export function zooFamily(spec: ZooSpec): ModelFamily {
  switch (spec.family) {
    case 'lenet5':
    case 'lenet300':
      return 'lenet';
    case 'mobilenet_v1':
      return 'mobilenet';
    case 'mobilenet_v2':
      return 'mobilenet_v2';
    case 'squeezenet':
      return 'squeezenet';
  }
}

/**
 * Build the model a spec names (random weights; ImageNet models with the 1000-class top). `seed`
 * seeds the LeNets' initializers; the ImageNet builders use TF.js's default (unseeded) init, as Keras.
 *
 * @example
 * buildZooModel('squeezenet:1.0').countParams(); // 1,248,424
 */
export function buildZooModel(spec: string | ZooSpec, seed?: number): tfl.LayersModel {
  const s = typeof spec === 'string' ? parseZooSpec(spec) : spec;
  if (s.family === 'mobilenet_v1' && s.weights) throw new UsageError(`${formatZooSpec(s)} has pretrained weights: load it with loadZooModel (asynchronous)`);
  switch (s.family) {
    case 'lenet5':
      return lenet5(seed);
    case 'lenet300':
      return lenet300(seed);
    case 'mobilenet_v1':
      return mobilenetV1({ alpha: s.alpha, inputSize: s.inputSize });
    case 'mobilenet_v2':
      return mobilenetV2({ alpha: s.alpha, inputSize: s.inputSize });
    case 'squeezenet':
      return squeezenet({ version: s.version });
  }
}

/**
 * The model a spec names, with its pretrained weights when the spec asks for them
 * (`mobilenet_v1:0.25:224:imagenet`), else as `buildZooModel`.
 *
 * @example
 * const model = await loadZooModel('mobilenet_v1:0.25:224:imagenet');
 */
export async function loadZooModel(spec: string | ZooSpec, seed?: number, pretrained?: PretrainedOptions): Promise<tfl.LayersModel> {
  const s = typeof spec === 'string' ? parseZooSpec(spec) : spec;
  if (s.family === 'mobilenet_v1' && s.weights === 'imagenet') {
    return mobilenetV1({ alpha: s.alpha, inputSize: s.inputSize, weights: 'imagenet', ...(pretrained ? { pretrained } : {}) });
  }
  return buildZooModel(s, seed);
}
