/**
 * Every command: its name, arguments and one-line summary (what `smallnets --help` lists) and how to
 * load its module. main.ts loads only the module of the command being run, so `smallnets --help`,
 * `--version` and a mistyped command never load TF.js or the library.
 */
import type { Command } from 'commander';

export interface CommandEntry {
  name: string;
  /** Positional arguments as shown in the list, e.g. `<model>`. */
  args: string;
  summary: string;
  load(): Promise<{ register(program: Command): void }>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'train', args: '<model>', summary: 'train a LeNet on the fixed MNIST split and save it', load: () => import('./train.js') },
  { name: 'evaluate', args: '<path>', summary: 'MNIST test accuracy of a saved model (.snn, .onnx, TF.js)', load: () => import('./evaluate.js') },
  { name: 'demo', args: '', summary: 'the main job (npm start): every technique on LeNet-5, a table and an HTML report', load: () => import('./demo.js') },
  { name: 'summary', args: '<model>', summary: 'per-layer params, multiply-adds, stored bytes and energy', load: () => import('./summary.js') },
  { name: 'compress', args: '', summary: 'Deep Compression: prune, cluster, Huffman-code into a .snn file', load: () => import('./compress.js') },
  { name: 'decompress', args: '<file>', summary: 'a .snn file back to a TF.js model directory', load: () => import('./decompress.js') },
  { name: 'export', args: '<model>', summary: 'export as TF.js (optionally quantized) or ONNX', load: () => import('./export.js') },
  { name: 'prune', args: '', summary: 'prune while fine-tuning (unstructured, block, N:M, filters)', load: () => import('./prune.js') },
  { name: 'sensitivity', args: '', summary: 'accuracy with each layer pruned alone, per sparsity', load: () => import('./sensitivity.js') },
  { name: 'restructure', args: '', summary: 'separable / stacked 3×3 / thinner convs, distilled from the original', load: () => import('./restructure.js') },
  { name: 'predict', args: '<images...>', summary: 'classify PNG/JPEG images: top-k labels and probabilities', load: () => import('./predict.js') },
  { name: 'quantize', args: '', summary: '2–8-bit weights: quantization-aware training or --ptq', load: () => import('./quantize.js') },
  { name: 'cluster', args: '', summary: 'k-means weight sharing with centroid fine-tuning', load: () => import('./cluster.js') },
  { name: 'bench', args: '<model>', summary: 'inference latency: smallnets runtime vs TF.js wasm vs onnxruntime', load: () => import('./bench.js') },
  { name: 'explore', args: '<model>', summary: 'search structure vs accuracy: trials, Pareto fronts, charts, resumable; --strategy auto', load: () => import('./explore.js') },
  { name: 'worker', args: '', summary: 'serve `explore --queue` trials from a Redis queue (BullMQ) on this machine', load: () => import('./worker.js') },
  { name: 'zoo', args: '', summary: 'the zoo against published models: ImageNet top-1 vs multiply-adds, a table and --chart', load: () => import('./zoo.js') },
  { name: 'serve', args: '', summary: 'the web playground on a local server', load: () => import('./serve.js') },
];
