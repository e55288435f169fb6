/**
 * PNG and JPEG images → float tensors a model can take, with the checks that untrusted image files
 * need (./image-headers.ts): the dimensions are read from the header bytes (PNG IHDR, JPEG SOF),
 * and images that are empty, larger than a pixel limit, or whose compressed data cannot hold the
 * pixels they claim (decompression bombs) are refused BEFORE any pixel is decoded; truncated or
 * unrecognised files are one-line RuntimeErrors.
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
import { checkImage, type ImageHeader } from './image-headers.js';
import { checkPngStream } from './png-stream.js';

export { checkDimensions, readImageHeader, type ImageFormat, type ImageHeader } from './image-headers.js';

/** Images with more pixels than this are refused unless the caller sets another limit. */
export const DEFAULT_MAX_PIXELS = 50_000_000;
/** Image files larger than this are refused before reading (no real PNG/JPEG under the pixel limit is). */
export const MAX_IMAGE_FILE_BYTES = 512 * 1024 * 1024;

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
  const { header, jpegComplete, png } = checkImage(bytes, maxPixels, name);
  const { width, height, channels } = header;
  const pixels = width * height;
  if (png) {
    checkPngStream(png, name);
    let rgba: Uint8Array;
    try {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      rgba = png.data;
    } catch (error) {
      throw new RuntimeError(`${name} is a corrupt or truncated PNG: ${firstLine(error)}`);
    }
    if (rgba.length !== pixels * 4) throw new RuntimeError(`${name} is a corrupt PNG (decoded ${rgba.length} bytes for ${width}×${height})`);
    const data = new Uint8Array(pixels * channels);
    for (let p = 0; p < pixels; p++) for (let c = 0; c < channels; c++) data[p * channels + c] = rgba[p * 4 + c]!;
    return { ...header, data };
  }
  if (!jpegComplete) throw new RuntimeError(`${name} is a truncated JPEG (no end-of-image marker)`);
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
  const data = new Uint8Array(pixels * channels);
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
