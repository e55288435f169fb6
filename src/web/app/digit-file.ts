/**
 * The playground's digit files (digits.bin, mnist-train.bin, mnist-test.bin): MNIST digits as
 * bytes, a quarter of float32. Layout: "SNDG", uint32 count (little endian), `count` labels,
 * then `count` × 784 pixels (0..255, row-major 28×28). Decoding checks the length first.
 */

const MAGIC = [0x53, 0x4e, 0x44, 0x47]; // "SNDG"
const PIXELS = 28 * 28;
const HEADER = 8;

export interface Digits {
  count: number;
  labels: Uint8Array;
  /** count × 784 values in [0, 1]. */
  images: Float32Array;
}

/** Encode digits (images in [0, 1]) as a digit file. */
export function encodeDigits(digits: { count: number; labels: Uint8Array | Uint16Array; images: Float32Array }): Uint8Array {
  const out = new Uint8Array(HEADER + digits.count * (1 + PIXELS));
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(4, digits.count, true);
  const labels = digits.labels.subarray(0, digits.count);
  // One byte per label: a class index past 255 would silently wrap.
  if (labels.some((label) => label > 255)) throw new RangeError('digit files hold class indexes 0–255');
  out.set(labels, HEADER);
  const pixels = out.subarray(HEADER + digits.count);
  for (let i = 0; i < digits.count * PIXELS; i++) pixels[i] = Math.round(Math.min(1, Math.max(0, digits.images[i]!)) * 255);
  return out;
}

/**
 * Decode a digit file.
 * @example
 * const digits = decodeDigits(new Uint8Array(await (await fetch('digits.bin')).arrayBuffer()));
 */
export function decodeDigits(bytes: Uint8Array): Digits {
  if (bytes.length < HEADER || !MAGIC.every((b, i) => bytes[i] === b)) throw new Error('not a digit file (no SNDG header)');
  const count = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  if (bytes.length !== HEADER + count * (1 + PIXELS)) throw new Error(`digit file holds ${bytes.length} bytes, not the ${HEADER + count * (1 + PIXELS)} its ${count} digits need`);
  const labels = bytes.slice(HEADER, HEADER + count);
  const pixels = bytes.subarray(HEADER + count);
  const images = new Float32Array(count * PIXELS);
  for (let i = 0; i < images.length; i++) images[i] = pixels[i]! / 255;
  return { count, labels, images };
}
