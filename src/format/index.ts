/**
 * The .snn compressed model container: a versioned, checksummed binary file holding a model's
 * topology JSON and its weights, each tensor stored dense (float32/float16), affine-quantized or as
 * codebook indexes, optionally sparse (Deep Compression relative indexes) and Huffman-coded.
 * No Node APIs (fflate, pure JS, inflates the JSON sections): runs unchanged in Node and in browsers.
 * Specification: docs/format.md.
 */
export { encodeSnn, encodeSnnWithReport } from './writer.js';
export { decodeSnn } from './reader.js';
export { encodeTensorAuto, type EncodingHint } from './auto.js';
export { SnnFormatError } from './errors.js';
export {
  SNN_MAGIC,
  SNN_VERSION,
  MAX_RANK,
  MAX_AFFINE_BITS,
  MAX_CODEBOOK_SIZE,
  MAX_GAP_BITS,
  MAX_CODE_LENGTH,
  defaultMaxElements,
  type DecodeOptions,
  type JsonObject,
  type JsonValue,
  type SnnDType,
  type SnnEncoding,
  type SnnModel,
  type SnnReport,
  type SnnTensor,
  type SnnValueEncoding,
  type StreamReport,
  type TensorReport,
} from './spec.js';
export { crc32 } from './crc32.js';
export { packBits, unpackBits, packedByteLength } from './bitpack.js';
export {
  huffmanCodeLengths,
  canonicalCodes,
  validateCodeLengths,
  huffmanEncode,
  huffmanDecode,
  buildDecodeTable,
  type HuffmanDecodeTable,
} from './huffman.js';
export { encodeGaps, decodeGaps, nonzeroPositions } from './sparse.js';
export { float32BitsToFloat16, float16ToFloat32Bits, roundToFloat16 } from './float16.js';
export { affineParams, dequantizeAffine, quantizeAffine, codebookIndexer } from './values.js';
