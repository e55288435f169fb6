/**
 * What a model file is, read from its first bytes rather than its name: a `.snn` renamed `.onnx`,
 * a weight shard given instead of its model.json, or an image given as a model all get a message
 * naming what was found, never raw bytes from a JSON parser.
 */

export type FileKind = 'snn' | 'onnx' | 'json' | 'png' | 'jpeg' | 'gzip' | 'zip' | 'unknown';

/** Bytes detectFileKind looks at. */
export const SNIFF_BYTES = 16;

const SNN = [0x89, 0x53, 0x4e, 0x4e];
const PNG = [0x89, 0x50, 0x4e, 0x47];

function startsWith(head: Uint8Array, magic: readonly number[]): boolean {
  return head.length >= magic.length && magic.every((b, i) => head[i] === b);
}

/**
 * Kind of a file from its first bytes (at least SNIFF_BYTES when the file has them).
 * ONNX has no magic: a ModelProto starts with field 1 (`ir_version`, tag 0x08) holding a small
 * version number, which no other format here starts with.
 */
export function detectFileKind(head: Uint8Array): FileKind {
  if (startsWith(head, SNN)) return 'snn';
  if (startsWith(head, PNG)) return 'png';
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(head, [0x1f, 0x8b])) return 'gzip';
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return 'zip';
  if (head.length >= 2 && head[0] === 0x08 && head[1]! >= 1 && head[1]! <= 32) return 'onnx';
  let i = 0;
  if (startsWith(head, [0xef, 0xbb, 0xbf])) i = 3; // UTF-8 byte order mark
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d)) i++;
  if (head[i] === 0x7b) return 'json';
  return 'unknown';
}

/** How a kind is named in messages. */
export const FILE_KIND_NAMES: Readonly<Record<FileKind, string>> = {
  snn: 'a .snn compressed model',
  onnx: 'an ONNX model',
  json: 'a JSON file',
  png: 'a PNG image',
  jpeg: 'a JPEG image',
  gzip: 'a gzip archive',
  zip: 'a zip archive',
  unknown: 'not a model file smallnets knows (binary data: a TF.js weight shard?)',
};
