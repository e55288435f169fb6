/** Training defaults and names, without loading TF.js (the CLI shows them in --help). */
export type OptimizerName = 'adam' | 'sgd' | 'momentum';

export const TRAIN_DEFAULTS = { batchSize: 64, learningRate: 1e-3, optimizer: 'adam' as OptimizerName, seed: 1 };
