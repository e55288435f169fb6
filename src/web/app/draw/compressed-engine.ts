/**
 * THE engine for compressed .snn digit models: the smallnets runtime (src/runtime), no TF.js. The
 * runtime decodes the .snn (checksum and sizes verified), plans it once, and runs each layer on its
 * stored form — sparse, codebook or 8-bit kernels in WebAssembly SIMD (a JS fallback where SIMD128 is
 * missing). The web build bundles the runtime into this chunk and copies its .wasm beside index.html
 * (RUNTIME_WASM); build.json counts both as this engine's download. The draw view only sees
 * `loadCompressedClassifier`.
 */
import { loadRuntimeModel } from '../../../runtime/index.js';
import { WASM_FILE } from '../../../runtime/wasm-module.js';
import { asProbabilities, checkDigitShapes, type DigitClassifier } from './digit-classifier.js';

/** The runtime's kernels, relative to the page (scripts/build-web.ts copies them there). */
export const RUNTIME_WASM = WASM_FILE;

const ENGINE_NAMES = { 'wasm-simd': 'smallnets runtime (WebAssembly SIMD)', js: 'smallnets runtime (JavaScript kernels)' } as const;

/**
 * A .snn file's bytes → a digit classifier on the smallnets runtime. Throws one readable line for a
 * malformed file, a layer the runtime does not run, or a model that is not a digit classifier.
 * @example
 * const classifier = await loadCompressedClassifier(new Uint8Array(await (await fetch('lenet5.snn')).arrayBuffer()), 'lenet5.snn');
 * const probabilities = classifier.predict(digit28x28, 1); // 10 values
 */
export async function loadCompressedClassifier(bytes: Uint8Array, label: string): Promise<DigitClassifier> {
  // The plain SIMD128 build (not its relaxed-SIMD twin): a digit model runs in ~0.1 ms either way, the result is
  // the same bits in every browser, and build.json counts exactly the one .wasm the page fetches.
  const net = await loadRuntimeModel(bytes, { wasmUrl: RUNTIME_WASM, relaxedSimd: false });
  const { engine, inputShape, outputShape } = net.describe();
  try {
    checkDigitShapes(label, inputShape, outputShape);
  } catch (error) {
    net.dispose();
    throw error;
  }
  return {
    engine: ENGINE_NAMES[engine],
    predict: (digits, count) => asProbabilities(net.predict(digits, count), 10),
    dispose: () => net.dispose(),
  };
}
