/**
 * PNG and JPEG images → float tensors a model can take, with the checks that untrusted image files
 * need: the dimensions are read from the header bytes (PNG IHDR, JPEG SOF) and images that are
 * empty or larger than a pixel limit (decompression bombs) are refused BEFORE any pixel is decoded;
 * truncated or unrecognised files are one-line RuntimeErrors.
 *
 * Colour: gray PNGs/JPEGs stay one channel; colour and palette images are RGB; alpha is dropped (as
 * PIL's convert('RGB') that Keras' load_img uses). A gray model gets luminance (ITU-R 601-2, as
 * PIL's 'L'), a colour model gets gray images replicated to RGB.
 */
import { readFile, stat } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { RuntimeError } from '../errors.js';

/** Images with more pixels than this are refused unless the caller sets another limit. */
export const DEFAULT_MAX_PIXELS = 50_000_000;
/** Image files larger than this are refused before reading (no real PNG/JPEG under the pixel limit is). */
export const MAX_IMAGE_FILE_BYTES = 512 * 1024 * 1024;

export type ImageFormat = 'png' | 'jpeg';

export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
  /** Colour channels stored: 1 for gray (with or without alpha), 3 for colour or palette. */
  channels: 1 | 3;
}

export interface DecodedImage extends ImageHeader {
  /** Interleaved pixels 0..255, `channels` per pixel, row-major. */
  data: Uint8Array;
}

export interface DecodeOptions {
  /** Largest width·height accepted (default DEFAULT_MAX_PIXELS). */
  maxPixels?: number;
  /** How to name the image in errors (e.g. its path). */
  name?: string;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function u16(b: Uint8Array, at: number): number {
  return (b[at]! << 8) | b[at + 1]!;
}

function u32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) >>> 0) + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!);
}

function isPng(b: Uint8Array): boolean {
  return b.length >= 8 && PNG_SIGNATURE.every((v, i) => b[i] === v);
}

function isJpeg(b: Uint8Array): boolean {
  return b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
}

function pngHeader(b: Uint8Array, name: string): ImageHeader {
  if (b.length < 33) throw new RuntimeError(`${name} is a truncated PNG (no complete IHDR header)`);
  if (u32(b, 8) !== 13 || String.fromCharCode(...b.subarray(12, 16)) !== 'IHDR') throw new RuntimeError(`${name} is a corrupt PNG (first chunk is not IHDR)`);
  const colorType = b[25]!;
  return { format: 'png', width: u32(b, 16), height: u32(b, 20), channels: colorType === 0 || colorType === 4 ? 1 : 3 };
}

/** JPEG start-of-frame markers (SOF0–SOF15 except DHT C4, JPG C8 and DAC CC). */
function isSof(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** Walk the JPEG marker segments to the frame header; also returns where the first scan starts. */
function jpegFrame(b: Uint8Array, name: string): { header: ImageHeader; scanAt: number } {
  let header: ImageHeader | undefined;
  let i = 2;
  for (;;) {
    while (i < b.length && b[i] !== 0xff) i++; // tolerate garbage between segments, as decoders do
    while (i < b.length && b[i] === 0xff) i++; // fill bytes
    if (i >= b.length) break;
    const marker = b[i]!;
    i++;
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) continue; // no length
    if (marker === 0xd9) break; // EOI before any scan
    if (i + 2 > b.length) break;
    const length = u16(b, i);
    if (length < 2 || i + length > b.length) break;
    if (isSof(marker)) {
      if (length < 8) throw new RuntimeError(`${name} is a corrupt JPEG (short frame header)`);
      header = { format: 'jpeg', height: u16(b, i + 3), width: u16(b, i + 5), channels: b[i + 7] === 1 ? 1 : 3 };
    }
    if (marker === 0xda) {
      if (header === undefined) throw new RuntimeError(`${name} is a corrupt JPEG (scan before frame header)`);
      return { header, scanAt: i + length };
    }
    i += length;
  }
  if (header === undefined) throw new RuntimeError(`${name} is a truncated JPEG (no frame header)`);
  throw new RuntimeError(`${name} is a truncated JPEG (no image data)`);
}

/**
 * Format, dimensions and channels from the first bytes of a PNG or JPEG, without decoding pixels.
 *
 * @example
 * readImageHeader(await readFile('cat.jpg')); // { format: 'jpeg', width: 640, height: 480, channels: 3 }
 */
export function readImageHeader(bytes: Uint8Array, name = 'image'): ImageHeader {
  if (isPng(bytes)) return pngHeader(bytes, name);
  if (isJpeg(bytes)) return jpegFrame(bytes, name).header;
  throw new RuntimeError(`${name} is not a PNG or JPEG image`);
}

/** Refuse empty images and images over the pixel limit. */
export function checkDimensions(header: ImageHeader, maxPixels: number, name: string): void {
  const { width, height } = header;
  if (width === 0 || height === 0) throw new RuntimeError(`${name} is an empty ${width}×${height} image`);
  if (width * height > maxPixels) {
    throw new RuntimeError(
      `${name} is ${width}×${height} = ${((width * height) / 1e6).toFixed(1)} megapixels, over the ${maxPixels / 1e6}-megapixel limit`,
    );
  }
}

/** A JPEG is complete when an end-of-image marker follows its first scan (scan data never holds FF D9). */
function jpegComplete(b: Uint8Array, scanAt: number): boolean {
  for (let i = b.length - 2; i >= scanAt; i--) if (b[i] === 0xff && b[i + 1] === 0xd9) return true;
  return false;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}

/**
 * Decode a PNG (gray, gray+alpha, RGB, RGBA, palette; 1–16 bits) or a JPEG (baseline or
 * progressive, gray or colour) to 8-bit pixels, after checking its header.
 */
export function decodeImage(bytes: Uint8Array, options: DecodeOptions = {}): DecodedImage {
  const name = options.name ?? 'image';
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const header = readImageHeader(bytes, name);
  checkDimensions(header, maxPixels, name);
  const { width, height, channels } = header;
  const pixels = width * height;
  const data = new Uint8Array(pixels * channels);
  if (header.format === 'png') {
    let rgba: Uint8Array;
    try {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      rgba = png.data;
    } catch (error) {
      throw new RuntimeError(`${name} is a corrupt or truncated PNG: ${firstLine(error)}`);
    }
    if (rgba.length !== pixels * 4) throw new RuntimeError(`${name} is a corrupt PNG (decoded ${rgba.length} bytes for ${width}×${height})`);
    for (let p = 0; p < pixels; p++) for (let c = 0; c < channels; c++) data[p * channels + c] = rgba[p * 4 + c]!;
    return { ...header, data };
  }
  if (!jpegComplete(bytes, jpegFrame(bytes, name).scanAt)) throw new RuntimeError(`${name} is a truncated JPEG (no end-of-image marker)`);
  let rgb: Uint8Array;
  try {
    rgb = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      tolerantDecoding: false,
      maxResolutionInMP: maxPixels / 1e6,
      // Decoder working memory: a few bytes per pixel and component, and never more than 2 GB.
      maxMemoryUsageInMB: Math.min(2048, Math.ceil((pixels * 16) / 2 ** 20) + 64),
    }).data;
  } catch (error) {
    throw new RuntimeError(`${name} is a corrupt or truncated JPEG: ${firstLine(error)}`);
  }
  if (rgb.length !== pixels * 3) throw new RuntimeError(`${name} is a corrupt JPEG (decoded ${rgb.length} bytes for ${width}×${height})`);
  // jpeg-js always returns RGB; a one-component JPEG has R = G = B.
  for (let p = 0; p < pixels; p++) for (let c = 0; c < channels; c++) data[p * channels + c] = rgb[p * 3 + c]!;
  return { ...header, data };
}

/** Read and decode an image file; the size and header are checked before the pixels are decoded. */
export async function readImageFile(path: string, options: Omit<DecodeOptions, 'name'> = {}): Promise<DecodedImage> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new RuntimeError(`${path} is not a file`);
    size = info.size;
  } catch (error) {
    if (error instanceof RuntimeError) throw error;
    throw new RuntimeError(`cannot read image ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : firstLine(error)}`);
  }
  if (size > MAX_IMAGE_FILE_BYTES) throw new RuntimeError(`${path} is ${size} bytes, larger than any image under the pixel limit`);
  const bytes = new Uint8Array(await readFile(path));
  return decodeImage(bytes, { ...options, name: path });
}

/** Pixels with `channels` per pixel: luminance for 1 (from RGB), replicated gray for 3. Pure. */
export function convertChannels(image: DecodedImage, channels: 1 | 3): Uint8Array {
  if (image.channels === channels) return image.data;
  const pixels = image.width * image.height;
  const out = new Uint8Array(pixels * channels);
  if (channels === 3) {
    for (let p = 0; p < pixels; p++) out[p * 3] = out[p * 3 + 1] = out[p * 3 + 2] = image.data[p]!;
  } else {
    for (let p = 0; p < pixels; p++) {
      const r = image.data[p * 3]!, g = image.data[p * 3 + 1]!, b = image.data[p * 3 + 2]!;
      out[p] = Math.round((r * 299 + g * 587 + b * 114) / 1000);
    }
  }
  return out;
}

/** The image as a float32 [height, width, channels] tensor of 0..255 values. The caller disposes. */
export function imageTensor(image: DecodedImage, channels: 1 | 3 = image.channels): tf.Tensor3D {
  return tf.tensor3d(Float32Array.from(convertChannels(image, channels)), [image.height, image.width, channels]);
}

/**
 * Whether a gray image has a light background: the mean of its border pixels is above mid-gray.
 * MNIST digits are white on black; a digit drawn or scanned dark on white has a light border.
 */
export function hasLightBackground(gray: Uint8Array, width: number, height: number): boolean {
  let sum = 0;
  let count = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (y !== 0 && y !== height - 1 && x !== 0 && x !== width - 1) continue;
      sum += gray[y * width + x]!;
      count++;
    }
  }
  return count > 0 && sum / count > 127.5;
}

/**
 * A digit image the way MNIST models see digits: one gray channel, white strokes on black. Images
 * with a light background (dark ink on paper) are inverted; `inverted` says whether that happened.
 */
export function digitImage(image: DecodedImage): { image: DecodedImage; inverted: boolean } {
  const gray = convertChannels(image, 1);
  const inverted = hasLightBackground(gray, image.width, image.height);
  const data = inverted ? gray.map((v) => 255 - v) : gray;
  return { image: { ...image, channels: 1, data }, inverted };
}

/**
 * The image resized (bilinear, half-pixel centres as TF2 / PIL) to [height, width, channels],
 * float32 0..255. The caller disposes.
 *
 * @example
 * const x = imageForModel(await readImageFile('digit.png'), 28, 28, 1); // [28, 28, 1]
 */
export function imageForModel(image: DecodedImage, height: number, width: number, channels: 1 | 3): tf.Tensor3D {
  return tf.tidy(() => {
    const t = imageTensor(image, channels);
    if (image.height === height && image.width === width) return t;
    return tf.image.resizeBilinear(t, [height, width], false, true);
  });
}

/**
 * A PNG file of 8-bit pixels (gray for 1 channel, RGB for 3): to write a dataset folder, or a test
 * image, that `readImageFile` reads back exactly.
 *
 * @example
 * await writeFile('digit.png', encodePng({ width: 28, height: 28, channels: 1, data: pixels }));
 */
export function encodePng(image: Pick<DecodedImage, 'width' | 'height' | 'channels' | 'data'>): Uint8Array {
  const { width, height, channels, data } = image;
  if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0) || data.length !== width * height * channels) {
    throw new RuntimeError(`encodePng: ${data.length} samples do not make a ${width}×${height} image with ${channels} channel(s)`);
  }
  const png = new PNG({ width, height, colorType: channels === 1 ? 0 : 2, inputColorType: channels === 1 ? 0 : 2, inputHasAlpha: false });
  png.data = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const bytes = PNG.sync.write(png, { colorType: channels === 1 ? 0 : 2, inputColorType: channels === 1 ? 0 : 2, inputHasAlpha: false });
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
