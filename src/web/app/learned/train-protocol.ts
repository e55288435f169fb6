/** Messages between the learned-filters view and its training worker (train-worker.ts). */
import type { MemoryArtifacts } from '../models/model-sources.js';

export interface TrainRequest {
  type: 'train';
  /** Training digits to use (the first n of the fixed 8,000). */
  digits: number;
  epochs: number;
  seed: number;
}

export type TrainMessage =
  | { type: 'progress'; epoch: number; epochs: number; seen: number; total: number; loss: number; accuracy: number }
  | { type: 'done'; artifacts: MemoryArtifacts; testAccuracy: number; seconds: number; backend: string }
  | { type: 'error'; message: string };
