/**
 * The zoo's variants and the spec forms the CLI accepts (for help texts and error messages),
 * without loading TF.js: the builders (mobilenet-v1.ts, mobilenet-v2.ts, squeezenet.ts) and
 * zoo.ts read their lists from here.
 */

/** MobileNet v1 width multipliers with released ImageNet checkpoints. */
export const MOBILENET_V1_ALPHAS: readonly number[] = [0.25, 0.5, 0.75, 1.0];
/** MobileNet v1 input resolutions with released ImageNet checkpoints. */
export const MOBILENET_V1_SIZES: readonly number[] = [128, 160, 192, 224];
/** MobileNet v2 width multipliers with released ImageNet checkpoints. */
export const MOBILENET_V2_ALPHAS: readonly number[] = [0.35, 0.5, 0.75, 1.0, 1.3, 1.4];
/** MobileNet v2 input resolutions with released ImageNet checkpoints. */
export const MOBILENET_V2_SIZES: readonly number[] = [96, 128, 160, 192, 224];

export type SqueezeNetVersion = '1.0' | '1.1';
export const SQUEEZENET_VERSIONS: readonly SqueezeNetVersion[] = ['1.0', '1.1'];

/** The accepted forms, for help texts and error messages. */
export const ZOO_SPEC_FORMS: readonly string[] = [
  'lenet5',
  'lenet300',
  `mobilenet_v1:ALPHA:SIZE[:imagenet] (ALPHA ${MOBILENET_V1_ALPHAS.join('|')}, SIZE ${MOBILENET_V1_SIZES.join('|')})`,
  `mobilenet_v2:ALPHA:SIZE (ALPHA ${MOBILENET_V2_ALPHAS.join('|')}, SIZE ${MOBILENET_V2_SIZES.join('|')})`,
  `squeezenet:${SQUEEZENET_VERSIONS.join('|')}`,
];
