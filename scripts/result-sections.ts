/** The tables of docs/results.md: for each, the exact commands and which JSON fields become columns. */

export interface ResultRow {
  command: string;
  label?: string;
}

export interface ResultColumn {
  header: string;
  value(result: Record<string, unknown>, row: ResultRow): string;
}

export interface ResultSection {
  name: string;
  title: string;
  intro: string;
  /** Commands run first whose output is not tabulated (e.g. training the baselines). */
  setup?: string[];
  columns: ResultColumn[];
  rows: ResultRow[];
}

const pct = (key: string) => (r: Record<string, unknown>) => (typeof r[key] === 'number' ? `${((r[key] as number) * 100).toFixed(2)}%` : '–');
const num = (key: string, digits = 0) => (r: Record<string, unknown>) =>
  typeof r[key] === 'number' ? (r[key] as number).toLocaleString('en-US', { maximumFractionDigits: digits }) : '–';
const label = (_r: Record<string, unknown>, row: ResultRow) => row.label ?? '';

export const RESULT_SECTIONS: ResultSection[] = [
  {
    name: 'train',
    title: 'Training the LeNets (issue 2)',
    intro: 'Dense baselines every other table compares against. Wall-clock seconds include evaluation and saving.',
    columns: [
      { header: 'model', value: (r) => String(r['model']) },
      { header: 'params', value: num('params') },
      { header: 'epochs', value: num('epochs') },
      { header: 'test accuracy', value: pct('testAccuracy') },
      { header: 'seconds', value: num('seconds', 1) },
      { header: 'images/s', value: num('imagesPerSecond') },
    ],
    rows: [
      { command: 'smallnets train lenet5 --out out/lenet5 --force --json' },
      { command: 'smallnets train lenet300 --out out/lenet300 --force --json' },
    ],
  },
  {
    name: 'main-job',
    title: 'The main job: `npm start` (issue 14)',
    intro: 'Wall-clock seconds of `npm start` from outside (TypeScript compile + `smallnets demo`: the baseline, every technique, the full pipeline, sizes, energy and the HTML report), on 2 cores. Target: ≤ 300 s.',
    columns: [
      { header: 'wall seconds', value: num('wallSeconds', 1) },
      { header: 'demo seconds', value: num('demoSeconds', 1) },
      { header: 'rows', value: num('variants') },
      { header: 'baseline accuracy', value: pct('baselineAccuracy') },
      { header: 'Deep Compression accuracy', value: pct('compressedAccuracy') },
      { header: 'Deep Compression ratio', value: (r) => (typeof r['compressedRatio'] === 'number' ? `${r['compressedRatio']}×` : '–') },
      { header: 'epochs', value: (r) => Object.entries((r['epochs'] ?? {}) as Record<string, number>).map(([k, v]) => `${k} ${v}`).join(', ') },
    ],
    rows: [{ command: 'npx tsx scripts/time-main-job.ts --json' }],
  },
  {
    name: 'bench-train',
    title: 'Training speed vs peers (issue 2)',
    intro: 'LeNet-5, batch 64, median step time after warm-up, all runtimes measured in the same run on the same machine.',
    columns: [
      { header: 'smallnets images/s', value: num('smallnetsImagesPerSecond') },
      { header: 'PyTorch CPU (2 threads) images/s', value: num('pytorchImagesPerSecond') },
      { header: 'ratio vs PyTorch', value: num('ratioVsPytorch', 2) },
      { header: 'stock tfjs cpu images/s', value: num('tfjsCpuImagesPerSecond', 2) },
      { header: 'speed-up vs tfjs cpu', value: num('ratioVsTfjsCpu', 0) },
    ],
    rows: [{ command: 'npx tsx bench/train.ts --json' }],
  },
  {
    name: 'bench-conv-grad',
    title: 'Convolution input gradient: forward-conv form vs GEMM + col2im (issue 2)',
    intro: 'wasm backend, batch 32, median ms of 15 runs after warm-up; "auto" is the form the engine picks for the layer (src/engine/conv2d-grad-gemm.ts).',
    columns: [
      { header: 'layer', value: (r) => String(r['name'] ?? '–') },
      { header: 'forward ms', value: num('forwardMs', 2) },
      { header: 'dx as conv ms', value: num('inputGradConvMs', 2) },
      { header: 'dx as GEMM + col2im ms', value: num('inputGradGemmMs', 2) },
      { header: 'conv / GEMM', value: num('speedup', 2) },
      { header: 'auto ms', value: num('inputGradAutoMs', 2) },
      { header: 'dW ms', value: num('filterGradMs', 2) },
    ],
    rows: [0, 1, 2, 3].map((i) => ({ command: `npx tsx bench/conv-grad.ts --json --case ${i}` })),
  },
  {
    name: 'bench-web-filter',
    title: 'Web playground: filter update time and first load (issue 11)',
    intro: 'The filter view in headless Debian chromium (software rendering): one update = convolution + drawing of a 224×224 image, timed in the page (median / 95th percentile of 50 updates after 10 warm-up, median of 5 rounds); one frame at 60 Hz is 16.7 ms. First load = every byte the page fetches before it is usable (no ML library; gzip copies, as the server sends them). What the digit engines download: the next table.',
    columns: [
      { header: '3×3 median ms', value: num('median3x3Ms', 2) },
      { header: '3×3 p95 ms', value: num('p95_3x3Ms', 2) },
      { header: '5×5 median ms', value: num('median5x5Ms', 2) },
      { header: '5×5 p95 ms', value: num('p95_5x5Ms', 2) },
      { header: 'median within one frame', value: (r) => (r['medianWithinFrame'] === true ? 'yes' : r['medianWithinFrame'] === false ? 'no' : '–') },
      { header: 'first load bytes (transferred)', value: num('firstLoadBytes') },
      { header: 'unpacked', value: num('firstLoadBytesUnpacked') },
      { header: 'files', value: num('firstLoadFiles') },
    ],
    rows: [{ command: 'npx tsx bench/web-filter.ts --json' }],
  },
];

const delta = (r: Record<string, unknown>) =>
  typeof r['testAccuracyBefore'] === 'number' && typeof r['testAccuracyAfter'] === 'number'
    ? `${(((r['testAccuracyAfter'] as number) - (r['testAccuracyBefore'] as number)) * 100).toFixed(2)}`
    : '–';
const accuracyColumns: ResultColumn[] = [
  { header: 'before', value: pct('testAccuracyBefore') },
  { header: 'after', value: pct('testAccuracyAfter') },
  { header: 'Δ points', value: delta },
];

RESULT_SECTIONS.push(
  {
    name: 'prune',
    title: 'Pruning (issue 3)',
    intro: 'Magnitude pruning with retraining under a polynomial schedule; sparsity is over prunable kernels. Baselines from the training table.',
    columns: [
      { header: 'run', value: label },
      ...accuracyColumns,
      { header: 'sparsity', value: pct('sparsity') },
      { header: 'params', value: num('params') },
      { header: 'nonzero', value: num('nonzeroParams') },
      {
        header: 'smaller model (filters removed)',
        value: (r) => {
          const st = r['structured'] as { params?: number; macs?: number } | undefined;
          return st && typeof st.params === 'number' ? `${st.params.toLocaleString('en-US')} params, ${(st.macs ?? 0).toLocaleString('en-US')} MACs` : '–';
        },
      },
    ],
    rows: [
      { label: 'LeNet-300-100, 92% global', command: 'smallnets prune out/lenet300 --sparsity 0.92 --out out/lenet300-pruned --force --json' },
      { label: 'LeNet-5, 92% global', command: 'smallnets prune out/lenet5 --sparsity 0.92 --out out/lenet5-pruned --force --json' },
      { label: 'LeNet-5, 2:4', command: 'smallnets prune out/lenet5 --granularity 2:4 --out out/lenet5-2of4 --force --json' },
      { label: 'LeNet-5, 50% of filters removed', command: 'smallnets prune out/lenet5 --granularity filters --sparsity 0.5 --out out/lenet5-filters --force --json' },
    ],
  },
  {
    name: 'quantize',
    title: 'Quantization and clustering (issue 4)',
    intro: 'Quantization-aware training (straight-through estimator) and k-means weight clustering with centroid fine-tuning.',
    columns: [
      { header: 'run', value: label },
      ...accuracyColumns,
      { header: 'distinct values per layer', value: (r) => JSON.stringify(r['distinctValuesPerLayer'] ?? null) },
    ],
    rows: [
      { label: 'LeNet-5, 6-bit QAT', command: 'smallnets quantize out/lenet5 --bits 6 --out out/lenet5-q6 --force --json' },
      { label: 'LeNet-5, 4-bit QAT', command: 'smallnets quantize out/lenet5 --bits 4 --out out/lenet5-q4 --force --json' },
      { label: 'LeNet-300-100, 2-bit QAT', command: 'smallnets quantize out/lenet300 --bits 2 --out out/lenet300-q2 --force --json' },
      { label: 'LeNet-5, clusters conv:16, dense:4', command: 'smallnets cluster out/lenet5 --clusters conv:16,dense:4 --out out/lenet5-clustered --force --json' },
    ],
  },
  {
    name: 'compress',
    title: 'Deep Compression pipeline (issue 5)',
    intro: 'Default recipe: prune 92% (global threshold, 10 epochs retraining) → cluster conv:16/dense:8 (2 epochs of centroid fine-tuning) → Huffman, written as .snn. Ratio = fp32 weight bytes / whole file (topology, headers and checksum included). The rows marked "ablation" change one choice of the recipe on LeNet-300-100.',
    columns: [
      { header: 'model', value: label },
      ...accuracyColumns,
      { header: 'fp32 bytes', value: num('bytesOriginal') },
      { header: '.snn bytes', value: num('bytesCompressed') },
      { header: 'ratio', value: num('ratio', 1) },
      { header: 'stages (bytes)', value: (r) => ((r['stages'] as Array<{ stage: string; bytes: number }> | undefined) ?? []).map((s) => `${s.stage}: ${s.bytes}`).join('; ') },
    ],
    rows: [
      { label: 'LeNet-300-100', command: 'smallnets compress out/lenet300 --out out/lenet300.snn --force --json' },
      { label: 'LeNet-5', command: 'smallnets compress out/lenet5 --out out/lenet5.snn --force --json' },
      { label: 'LeNet-300-100, ablation: dense:16', command: 'smallnets compress out/lenet300 --sparsity 0.92 --clusters conv:16,dense:16 --out out/lenet300-dense16.snn --force --json' },
      { label: 'LeNet-300-100, ablation: dense:4', command: 'smallnets compress out/lenet300 --sparsity 0.92 --clusters conv:16,dense:4 --out out/lenet300-dense4.snn --force --json' },
      { label: 'LeNet-300-100, ablation: prune 94%', command: 'smallnets compress out/lenet300 --sparsity 0.94 --clusters conv:16,dense:8 --out out/lenet300-prune94.snn --force --json' },
      { label: 'LeNet-300-100, ablation: no Huffman', command: 'smallnets compress out/lenet300 --sparsity 0.92 --clusters conv:16,dense:8 --no-huffman --out out/lenet300-fixed.snn --force --json' },
    ],
  },
  {
    name: 'restructure',
    title: 'Restructuring with distillation (issue 6)',
    intro: 'LeNet-5 convolutions restructured, then trained by distillation from the original.',
    columns: [
      { header: 'run', value: label },
      ...accuracyColumns,
      { header: 'params', value: (r) => `${num('paramsBefore')(r)} → ${num('paramsAfter')(r)}` },
      { header: 'MACs', value: (r) => `${num('macsBefore')(r)} → ${num('macsAfter')(r)}` },
    ],
    rows: [
      { label: 'separable all (conv1 kept full: one input channel)', command: 'smallnets restructure out/lenet5 --separable all --out out/lenet5-separable --force --json' },
      { label: 'both convs separable (conv1 named)', command: 'smallnets restructure out/lenet5 --separable conv1,conv2 --out out/lenet5-separable-both --force --json' },
      { label: 'both convs separable, depthwise multiplier 2', command: 'smallnets restructure out/lenet5 --separable all --depth-multiplier 2 --out out/lenet5-separable-dm2 --force --json' },
      { label: 'both convs factorized (stacked 3×3)', command: 'smallnets restructure out/lenet5 --factorize all --out out/lenet5-factorized --force --json' },
    ],
  },
  {
    name: 'zoo',
    title: 'Model zoo: size, multiply-adds, energy (issue 6)',
    intro: 'fp32 weights; energy per inference from the 45 nm table (docs/energy.md).',
    columns: [
      { header: 'model', value: label },
      { header: 'params', value: num('params') },
      { header: 'MACs', value: num('macs') },
      { header: 'bytes', value: num('bytes') },
      { header: 'energy µJ', value: num('energyMicrojoules', 1) },
    ],
    rows: [
      { label: 'LeNet-5', command: 'smallnets summary lenet5 --json' },
      { label: 'MobileNet v1 1.0-224', command: 'smallnets summary mobilenet_v1:1.0:224 --json' },
      { label: 'MobileNet v1 0.25-128', command: 'smallnets summary mobilenet_v1:0.25:128 --json' },
      { label: 'MobileNet v2 1.0-224', command: 'smallnets summary mobilenet_v2:1.0:224 --json' },
      { label: 'SqueezeNet 1.0', command: 'smallnets summary squeezenet:1.0 --json' },
      { label: 'SqueezeNet 1.1', command: 'smallnets summary squeezenet:1.1 --json' },
    ],
  },
);

RESULT_SECTIONS.push({
  name: 'bits',
  title: 'Accuracy vs bits per weight: QAT vs PTQ vs clustering (issue 4)',
  intro: 'LeNet-300-100 (baseline from the training table). QAT and PTQ grids exist from 2 bits; the 1-bit point is clustering with 2 centroids. Plot: ![accuracy vs bits](accuracy-vs-bits.svg)',
  columns: [
    { header: 'bits', value: num('bits') },
    { header: 'float', value: pct('floatAccuracy') },
    { header: 'QAT', value: pct('qat') },
    { header: 'PTQ', value: pct('ptq') },
    { header: 'k-means only', value: pct('kmeans') },
    { header: 'clustering (fine-tuned)', value: pct('clustering') },
  ],
  rows: [
      { label: '1', command: 'npx tsx scripts/bits-sweep.ts --model out/lenet300 --bits 1 --json' },
      { label: '2', command: 'npx tsx scripts/bits-sweep.ts --model out/lenet300 --bits 2 --json' },
      { label: '3', command: 'npx tsx scripts/bits-sweep.ts --model out/lenet300 --bits 3 --json' },
      { label: '4', command: 'npx tsx scripts/bits-sweep.ts --model out/lenet300 --bits 4 --json' },
      { label: '5', command: 'npx tsx scripts/bits-sweep.ts --model out/lenet300 --bits 5 --json' },
      { label: '6', command: 'npx tsx scripts/bits-sweep.ts --model out/lenet300 --bits 6 --json' },
      { label: '7', command: 'npx tsx scripts/bits-sweep.ts --model out/lenet300 --bits 7 --json' },
      { label: '8', command: 'npx tsx scripts/bits-sweep.ts --model out/lenet300 --bits 8 --json' },
  ],
});

const ms = (key: string) => (r: Record<string, unknown>) => (typeof r[key] === 'number' ? (r[key] as number).toFixed(3) : '–');
const times = (key: string, digits = 2) => (r: Record<string, unknown>) => (typeof r[key] === 'number' ? `${(r[key] as number).toFixed(digits)}×` : '–');
const kb = (key: string) => (r: Record<string, unknown>) => (typeof r[key] === 'number' ? ((r[key] as number) / 1024).toFixed(1) : '–');
const INFER_CASES = ['lenet300', 'lenet5', 'mobilenet_v1:0.25:128', 'mobilenet_v1:0.25:128/pruned90', 'mobilenet_v1:0.25:128/int8', 'mobilenet_v2:0.35:128', 'mobilenet_v2:0.35:128/pruned90', 'mobilenet_v2:0.35:128/int8'];

RESULT_SECTIONS.push(
  {
    name: 'bench-infer',
    title: 'Inference: smallnets runtime vs TF.js wasm vs onnxruntime-node (issue 10)',
    intro:
      'Median ms after warm-up, same input, one process per row; within a row every engine and runtime build takes turns in short blocks over 6–12 rounds (a fresh seeded order each round; src/pipeline/interleaved-timing.ts; on 2 threads the ORT blocks are followed by 100 ms idle, since its idle pool spins ~30–40 ms and would take the second core from the next engine), so load from elsewhere on the shared machine lands on all of them alike, and each median pools every round. LeNets: the default-recipe compressed .snn on the runtime (sparse/codebook kernels) vs the dense fp32 ONNX export of the same model on onnxruntime-node and the decoded model on TF.js wasm (one thread under Node; measured in the 1-thread rows). MobileNets: random weights; /pruned90 stores 90%-pruned 1×1 convolutions and classifier sparse (depthwise and first convolutions dense), /int8 stores every kernel as 8-bit symmetric affine and runs integer dot products on activations quantized per row (ONNX and TF.js run the decoded dense model). "runtime" runs the relaxed-SIMD (fused multiply-add) kernels, as Chrome ≥ 114 and Node ≥ 22 do by default (bench:infer turns the flag on in Node 20); "runtime SIMD128" the same kernels from the plain build; "runtime dense" forces the dense GEMM everywhere (the baseline the encoding-aware kernels must beat).',
    columns: [
      { header: 'model', value: (r) => String(r['model']) },
      { header: 'batch', value: num('batch') },
      { header: 'threads', value: num('threads') },
      { header: 'runtime ms', value: ms('runtimeMs') },
      { header: 'runtime SIMD128 ms', value: ms('runtimeSimd128Ms') },
      { header: 'runtime dense ms', value: ms('runtimeDenseMs') },
      { header: 'TF.js wasm ms', value: ms('tfjsWasmMs') },
      { header: 'onnxruntime ms', value: ms('onnxruntimeMs') },
      { header: 'runtime / ORT', value: times('runtimeVsOnnxruntime') },
      { header: 'TF.js / runtime', value: times('tfjsWasmVsRuntime', 1) },
      { header: 'resident weights KB', value: kb('runtimeWeightBytes') },
      { header: 'fp32 weights KB', value: kb('float32WeightBytes') },
    ],
    rows: INFER_CASES.flatMap((c) =>
      [1, 64].flatMap((batch) => [1, 2].map((threads) => ({ command: `npx tsx bench/infer.ts --json --case ${c} --batch ${batch} --threads ${threads}` }))),
    ),
  },
  {
    name: 'bench-infer-roofline',
    title: 'Runtime roofline: dense GEMM vs the wasm SIMD peak, one core (issue 10)',
    intro: 'Peaks: register-only f32x4 loops (bench/wasm/peak.ts): multiply + add (ten accumulators acc += x·w, the better of that and eight dependent a·m + c chains), and fused multiply-add (ten independent relaxed_madd chains, relaxed-SIMD build; bench:infer turns relaxed SIMD on in Node 20). GEMM: the runtime\'s 4×8 register-tiled kernel on packed panels (M×K×N), medians, from the plain SIMD128 build and from the relaxed (FMA) build the runtime uses where the engine has relaxed SIMD. Every timed call is short (≈0.1–0.5 ms) so that preemption on a shared machine does not dominate; the 256×512×256 call is ~3 ms and pays for it.',
    columns: [
      { header: 'wasm f32x4 peak GFLOP/s', value: num('peakGflops', 1) },
      { header: 'GEMM 256×512×256 GFLOP/s', value: num('gemm256x512x256Gflops', 1) },
      { header: 'GEMM 1024×64×64 GFLOP/s', value: num('gemmPointwise1024x64x64Gflops', 1) },
      { header: 'GEMM 64×128×256 GFLOP/s', value: num('gemmPointwise64x128x256Gflops', 1) },
      { header: 'GEMM 64×128×256 / peak', value: pct('gemmFractionOfPeak') },
      { header: 'FMA peak GFLOP/s', value: num('peakFmaGflops', 1) },
      { header: 'FMA GEMM 256×512×256', value: num('gemm256x512x256FmaGflops', 1) },
      { header: 'FMA GEMM 64×128×256', value: num('gemmPointwise64x128x256FmaGflops', 1) },
      { header: 'FMA GEMM 64×128×256 / FMA peak', value: pct('gemmFmaFractionOfPeak') },
    ],
    rows: [{ command: 'npx tsx bench/infer.ts --json --roofline' }],
  },
  {
    name: 'runtime-bundle',
    title: 'Runtime browser bundle vs what TF.js needs (issue 10)',
    intro: 'Bytes a browser downloads to run a .snn (uncompressed): dist/browser/smallnets-runtime.js + .wasm, vs the installed tf-core.min.js + tf-layers.min.js + tf-backend-wasm.min.js + tfjs-backend-wasm-simd.wasm that TF.js needs for the same model.',
    columns: [
      { header: 'runtime JS KB', value: kb('bundleJsBytes') },
      { header: 'runtime wasm KB', value: kb('bundleWasmBytes') },
      { header: 'runtime total KB', value: kb('bundleBytes') },
      { header: 'TF.js KB', value: kb('tfjsBytes') },
      { header: 'TF.js / runtime', value: times('tfjsVsBundle', 1) },
    ],
    rows: [{ command: 'npx tsx bench/infer.ts --json --bundle' }],
  },
);

RESULT_SECTIONS.push({
  name: 'bench-web-digit',
  title: 'Web playground: the digit engines in the page (issue 11)',
  intro:
    'The draw view in headless Debian chromium with the default-recipe LeNet-5 (dense TF.js model and its compressed .snn from the tables above). Bytes = what the page really transferred, by Content-Length of each response (gzip copies where the server has one): the engine\'s code beyond the first load (compressed: the smallnets runtime bundled into the page\'s chunks + its .wasm, no TF.js; dense: TF.js core + layers + cpu backend) and the model files. Target: compressed model + engine ≤ 200,000 bytes. Latency: median ms per drawn digit (batch 1, in the page, whose timer ticks in 0.1 ms steps) over 50 painted test digits; accuracy: the page\'s "Measure test accuracy" on the 2,000 test digits.',
  columns: [
    { header: 'compressed: model bytes', value: num('compressedModelBytes') },
    { header: 'engine bytes (runtime)', value: num('compressedEngineBytes') },
    { header: 'model + engine', value: num('compressedTotalBytes') },
    { header: '≤ 200 KB', value: (r) => (r['compressedWithinTarget'] === true ? 'yes' : r['compressedWithinTarget'] === false ? 'no' : '–') },
    { header: 'dense: model + TF.js bytes', value: num('denseTotalBytes') },
    { header: 'compressed ms/digit', value: num('compressedMedianMs', 3) },
    { header: 'dense ms/digit', value: num('denseMedianMs', 3) },
    { header: 'compressed accuracy', value: pct('compressedTestAccuracy') },
    { header: 'dense accuracy', value: pct('denseTestAccuracy') },
  ],
  rows: [{ command: 'npx tsx bench/web-digit.ts --dense out/lenet5 --snn out/lenet5.snn --json' }],
});

const FUZZ_TARGET_NAMES = ['model-json', 'png', 'jpeg', 'onnx', 'snn', 'runtime-plan', 'image-folder', 'trial-log'];
RESULT_SECTIONS.push(
  {
    name: 'fuzz',
    title: 'Fuzzing every decoder: a CI-sized run per target (issue 12)',
    intro:
      'Seeded structure-aware mutation (src/fuzz/, one file per target): each case is accepted or refused with the decoder\'s one-line error, or it is a crash (another exception, a multi-line message, a hang past 2 s, or resident memory past +256 MB). Cases run in a watched worker thread; cases/s excludes its start-up, and for model-json includes building every accepted model with TF.js and comparing its weights with the checker\'s prediction. The test suite runs the same 10,000 cases per target (model-json, png, jpeg, onnx: src/fuzz/targets/*.test.ts; snn: src/format/fuzz.test.ts; runtime-plan: src/fuzz/targets/runtime-plan.test.ts; image-folder: 2,000, as each case writes and reads files; trial-log: src/fuzz/targets/trial-log.test.ts, about one case in eighty through the store on disk) and replays test/fuzz-corpus/.',
    columns: [
      { header: 'target', value: (r) => String(r['target']) },
      { header: 'cases', value: num('cases') },
      { header: 'cases/s', value: num('casesPerSecond') },
      { header: 'accepted', value: num('accepted') },
      { header: 'refused', value: num('refused') },
      { header: 'crashes', value: num('crashes') },
      { header: 'hangs', value: num('hangs') },
      { header: 'peak RSS MB', value: num('peakRssMb') },
    ],
    rows: FUZZ_TARGET_NAMES.map((t) => ({ command: `npx tsx scripts/fuzz.ts --target ${t} --cases 10000 --seed 1 --json` })),
  },
  {
    name: 'fuzz-history',
    title: 'Fuzzing: long runs recorded so far (issue 12)',
    intro:
      'Runs of `npm run fuzz -- --target NAME --minutes M --record`, appended to test/fuzz-runs.jsonl (the goal is ≥ 1,000,000 cases per target over time); crashes found by them are kept in test/fuzz-corpus/ and replayed by the tests.',
    columns: [
      { header: 'target', value: (r) => String(r['target']) },
      { header: 'recorded runs', value: num('runs') },
      { header: 'cases in all', value: num('totalCases') },
      { header: 'crashes in all', value: num('totalCrashes') },
      { header: 'longest run: cases', value: (r) => num('cases')((r['longest'] as Record<string, unknown> | null) ?? {}) },
      { header: 'longest run: cases/s', value: (r) => num('casesPerSecond')((r['longest'] as Record<string, unknown> | null) ?? {}) },
      { header: 'longest run: date', value: (r) => String((r['longest'] as Record<string, unknown> | null)?.['date'] ?? '–').slice(0, 10) },
    ],
    rows: FUZZ_TARGET_NAMES.map((t) => ({ command: `npx tsx scripts/fuzz.ts --target ${t} --history --json` })),
  },
  {
    name: 'robustness',
    title: 'Interrupted runs and leaks: the checks, passing (issue 12)',
    intro:
      'Each row runs one test file of `npm test` (scripts/robustness.ts): real `smallnets` processes sent SIGINT or SIGTERM mid-run must end within 2 s by that signal (130/143), leave any existing --out untouched (explore: a whole trial log that a rerun resumes) and no temporary file or lock; two processes writing one --out never mix; tensor count and heap stay flat over 1,000 predictions and over a 3-trial exploration. Seconds: the tests\' own time, then the whole run with vitest\'s start-up.',
    columns: [
      { header: 'check', value: (r) => String(r['check']) },
      { header: 'what', value: (r) => String(r['what']) },
      { header: 'tests', value: num('tests') },
      { header: 'passed', value: num('passed') },
      { header: 'failed', value: num('failed') },
      { header: 'test s', value: num('testSeconds', 1) },
      { header: 'run s', value: num('seconds', 1) },
    ],
    rows: ['interrupt-train-prune-compress', 'interrupt-explore', 'two-writers', 'leak-predict', 'leak-explore'].map((c) => ({ command: `npx tsx scripts/robustness.ts --check ${c} --json` })),
  },
);

/** Fields of an `explore --json` result. */
const best = (r: Record<string, unknown>) => r['best'] as { label: string; bytes: number; ratio: number; testAccuracy: number; recipe?: string } | null;
const points = (a: number, b: number) => ((a - b) * 100).toFixed(2);

const autoColumns: ResultColumn[] = [
  { header: 'model', value: label },
  { header: 'baseline', value: pct('baselineAccuracy') },
  { header: 'best', value: (r) => (best(r) ? `${(best(r)!.testAccuracy * 100).toFixed(2)}%` : '–') },
  { header: 'Δ points', value: (r) => (best(r) ? points(best(r)!.testAccuracy, r['baselineAccuracy'] as number) : '–') },
  { header: '.snn bytes', value: (r) => (best(r) ? best(r)!.bytes.toLocaleString('en-US') : '–') },
  { header: 'ratio', value: (r) => (best(r) ? best(r)!.ratio.toFixed(1) : '–') },
  { header: 'trials', value: num('trials') },
  { header: 'recipe', value: (r) => (best(r)?.recipe ? `\`${best(r)!.recipe}\`` : '–') },
];

RESULT_SECTIONS.push(
  {
    name: 'explore-auto',
    title: 'Smallest model within 0.2 points: explore --strategy auto (issue 15)',
    intro: 'Per-layer sensitivity (pruning, units/filters removed, clustering) turned into per-layer allocations, bisected on one tolerance, then refined one layer at a time (NetAdapt-style); every trial retrained on the fixed split and judged on the 2,000 test digits. Ratio = fp32 weight bytes / whole .snn file. The recipe reproduces the chosen trial. Targets: LeNet-5 ≥ 100× (goal 160×), LeNet-300-100 ≥ 60× (goal 64×), within 0.2 points of the dense baseline.',
    columns: autoColumns,
    rows: [
      { label: 'LeNet-300-100', command: 'smallnets explore out/lenet300 --strategy auto --max-drop 0.2 --trials 16 --workers 2 --out out/auto-lenet300 --json' },
    ],
  },
  {
    name: 'explore-auto-lenet5',
    title: 'Smallest LeNet-5 within 0.2 points: explore --strategy auto (issue 15)',
    intro: 'As above, with 6 epochs of retraining per removal/pruning stage and 2 of centroid fine-tuning per trial, every retraining distilled from the dense model (`distill` in the space: its outputs at T = 4 weigh 0.7, the labels 0.3), and the tolerance bracket starting at the budget (LeNet-5 trials took 8–18 minutes each on the shared machine). Without distillation (docs/spaces/auto-6-2.json, 9 trials, starting at τ = 4) the best was 163.8× at −0.35 points and no trial came within 0.2. Target ≥ 100× (goal 160×) within 0.2 points of 98.70%. Resumable: the command continues a stopped search.',
    columns: autoColumns,
    rows: [
      { label: 'LeNet-5 (6 + 2 epochs per trial, distilled)', command: 'smallnets explore out/lenet5 --strategy auto --space docs/spaces/auto-6-2-kd.json --max-drop 0.2 --trials 12 --workers 2 --out out/auto-lenet5-kd --json' },
    ],
  },
  {
    name: 'explore-quick',
    title: 'The quick space on LeNet-5: structure × compression (issue 15)',
    intro: 'Width 1 / 0.5 × separable convs × 90% pruning × clustering conv:16/dense:4, one epoch per stage, 16 trials on two worker threads. The exploration directory holds pareto.json, trials.csv and the charts (bubble.svg: MACs vs accuracy, area = .snn bytes; accuracy-vs-bytes.svg; accuracy-vs-latency.svg).',
    columns: [
      { header: 'trials', value: num('trials') },
      { header: 'failed', value: num('failed') },
      { header: 'on the bytes front', value: (r) => String((r['pareto'] as string[]).length) },
      { header: 'baseline', value: pct('baselineAccuracy') },
      { header: 'best within 0.2 points', value: (r) => (best(r) ? `${best(r)!.label}: ${(best(r)!.testAccuracy * 100).toFixed(2)}%, ${best(r)!.bytes.toLocaleString('en-US')} B (${best(r)!.ratio.toFixed(1)}×)` : '–') },
      { header: 'seconds', value: num('seconds') },
    ],
    rows: [{ command: 'smallnets explore out/lenet5 --space quick --workers 2 --out out/explore-quick --json' }],
  },
  {
    name: 'explore-workers',
    title: 'Trials on one vs two worker threads (issue 15)',
    intro: 'The same 12-trial sweep (LeNet-300-100, one epoch per stage, full split) with `--workers 1` and `--workers 2`, fresh stores, in one run. Ideal ratio 0.5; target ≤ 0.6. The load average says how busy the shared machine was.',
    columns: [
      { header: 'trials', value: num('trials') },
      { header: '1 worker s', value: num('oneWorkerSeconds', 1) },
      { header: '2 workers s', value: num('twoWorkerSeconds', 1) },
      { header: 'ratio', value: num('ratio', 2) },
      { header: 'load average', value: num('loadAverage', 1) },
    ],
    rows: [{ command: 'npx tsx bench/explore-workers.ts --json' }],
  },
  {
    name: 'zoo-chart',
    title: 'ImageNet accuracy vs multiply-adds: the zoo chart (issue 15)',
    intro: 'Params and multiply-adds counted by smallnets on the models the zoo builds; top-1 as published for the released checkpoints (sources in `smallnets zoo`); AlexNet, VGG-16, GoogLeNet, Inception-v3 and ResNet-50 are published figures. ![zoo chart](zoo.svg)',
    columns: [
      { header: 'models counted', value: (r) => String((r['models'] as Array<{ counted: boolean }>).filter((m) => m.counted).length) },
      { header: 'reference points', value: (r) => String((r['models'] as Array<{ counted: boolean }>).filter((m) => !m.counted).length) },
      { header: 'chart', value: (r) => String(r['chart']) },
    ],
    rows: [{ command: 'smallnets zoo --chart docs/zoo.svg --force --json' }],
  },
);
