/**
 * Grayscale images to and from canvases. A canvas holds one pixel per value (CSS scales it up with
 * pixelated rendering), so what the page shows is what it computed, and a test can read it back.
 */
import { toGrayBytes, type Gray } from './filter/convolution.js';

/** Draw values in [0, 1] as they are (0 black, 1 white). */
export function drawUnit(canvas: HTMLCanvasElement, image: Gray): void {
  const rgba = new Uint8ClampedArray(image.width * image.height * 4);
  for (let i = 0; i < image.data.length; i++) {
    const g = Math.round(Math.min(1, Math.max(0, image.data[i]!)) * 255);
    rgba.set([g, g, g, 255], i * 4);
  }
  put(canvas, image.width, image.height, rgba);
}

/** Draw any values stretched to the full gray range (smallest black, largest white). */
export function drawStretched(canvas: HTMLCanvasElement, image: Gray, scratch?: Uint8ClampedArray): Uint8ClampedArray {
  const rgba = toGrayBytes(image.data, scratch);
  put(canvas, image.width, image.height, rgba);
  return rgba;
}

function put(canvas: HTMLCanvasElement, width: number, height: number, rgba: Uint8ClampedArray): void {
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  canvas.getContext('2d')!.putImageData(new ImageData(rgba as Uint8ClampedArray<ArrayBuffer>, width, height), 0, 0);
}

/** Luminance (Rec. 601) in [0, 1] of canvas pixels. */
export function grayFromImageData(pixels: ImageData): Gray {
  const data = new Float32Array(pixels.width * pixels.height);
  const p = pixels.data;
  for (let i = 0; i < data.length; i++) data[i] = (0.299 * p[i * 4]! + 0.587 * p[i * 4 + 1]! + 0.114 * p[i * 4 + 2]!) / 255;
  return { width: pixels.width, height: pixels.height, data };
}

/** Draw an image source (bitmap, video frame) scaled to fit `maxSide` and read it back as gray. */
export function grayFromSource(source: CanvasImageSource & { width: number; height: number }, maxSide: number, sourceWidth = source.width, sourceHeight = source.height): Gray {
  const scale = Math.min(1, maxSide / Math.max(sourceWidth, sourceHeight));
  const width = Math.max(1, Math.round(sourceWidth * scale));
  const height = Math.max(1, Math.round(sourceHeight * scale));
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  context.drawImage(source, 0, 0, width, height);
  return grayFromImageData(context.getImageData(0, 0, width, height));
}

/** Canvas pixel under a pointer event, in the canvas's own pixel grid (CSS may scale it). */
export function pixelAt(canvas: HTMLCanvasElement, event: { clientX: number; clientY: number }): { x: number; y: number } | null {
  const rect = canvas.getBoundingClientRect();
  const x = Math.floor(((event.clientX - rect.left) / rect.width) * canvas.width);
  const y = Math.floor(((event.clientY - rect.top) / rect.height) * canvas.height);
  return x >= 0 && y >= 0 && x < canvas.width && y < canvas.height ? { x, y } : null;
}
