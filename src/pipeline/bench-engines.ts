/** The engines `benchInference` can time, in a module light enough for `smallnets bench --help`. */
export type BenchEngine = 'runtime' | 'tfjs-wasm' | 'onnxruntime';
export const BENCH_ENGINES: readonly BenchEngine[] = ['runtime', 'tfjs-wasm', 'onnxruntime'];
