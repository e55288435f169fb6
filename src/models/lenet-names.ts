/** The LeNet names the CLI accepts, without loading TF.js (lenet.ts builds the models). */
export type LeNetName = 'lenet5' | 'lenet300';
export const LENET_NAMES: readonly LeNetName[] = ['lenet5', 'lenet300'];
