/**
 * Where the filter view's image comes from: a bundled MNIST digit, a built-in pattern, the user's
 * own image file, or a camera snapshot. Each ends as a gray image (at most 224 px a side, so a
 * phone photo stays interactive) handed to `onImage`.
 */
import { grayFromSource } from '../canvas-gray.js';
import { digitImage, loadDigits } from '../digits.js';
import { h } from '../dom.js';
import { messageOf, reported, showError } from '../error-banner.js';
import type { Gray } from './convolution.js';
import { pattern, PATTERNS, type PatternName } from './patterns.js';

export const MAX_SIDE = 224;
/** Image files larger than this, or with more pixels, are refused before/after decoding (a phone photo is far below). */
const MAX_FILE_BYTES = 50 * 1024 * 1024;
const MAX_PIXELS = 100_000_000;

export interface ImagePicker {
  element: HTMLElement;
  /** Select a source by its option value (`digit:3`, `pattern:shapes`) and load it. */
  choose(value: string): Promise<void>;
}

export async function createImagePicker(onImage: (image: Gray, label: string) => void): Promise<ImagePicker> {
  const digits = await loadDigits();
  const select = h('select', { id: 'image-source', 'aria-label': 'Image' });
  const digitGroup = h('optgroup', { label: 'MNIST digits' });
  for (let i = 0; i < digits.count; i++) digitGroup.append(h('option', { value: `digit:${i}` }, `Digit ${digits.labels[i]} (test #${i + 1})`));
  const patternGroup = h('optgroup', { label: `Test patterns (${MAX_SIDE}×${MAX_SIDE})` });
  for (const [name, label] of Object.entries(PATTERNS)) patternGroup.append(h('option', { value: `pattern:${name}` }, label));
  select.append(digitGroup, patternGroup);

  const file = h('input', { type: 'file', accept: 'image/*', id: 'image-file', class: 'visually-hidden' });
  const fileButton = h('label', { for: 'image-file', class: 'button' }, 'Your image…');
  const cameraButton = h('button', { type: 'button', id: 'camera' }, 'Camera');
  const video = h('video', { playsinline: true, muted: true, hidden: true, class: 'camera-preview' });
  const snap = h('button', { type: 'button', hidden: true }, 'Take photo');

  const choose = async (value: string) => {
    select.value = value;
    const [kind, name] = value.split(':') as [string, string];
    if (kind === 'digit') onImage(digitImage(digits, Number(name)), `MNIST digit ${digits.labels[Number(name)]}`);
    else onImage(pattern(name as PatternName, MAX_SIDE), PATTERNS[name as PatternName]);
  };
  select.addEventListener('change', () => void choose(select.value));

  file.addEventListener('change', () => {
    const chosen = file.files?.[0];
    if (!chosen) return;
    void reported(`Could not read ${chosen.name}`, async () => {
      if (chosen.size > MAX_FILE_BYTES) throw new Error(`it is ${chosen.size.toLocaleString('en-US')} bytes; the playground opens images up to ${MAX_FILE_BYTES.toLocaleString('en-US')}`);
      let bitmap: ImageBitmap;
      try {
        bitmap = await createImageBitmap(chosen);
      } catch {
        throw new Error('the browser cannot decode it as an image (try a PNG or JPEG)');
      }
      try {
        if (bitmap.width * bitmap.height > MAX_PIXELS) throw new Error(`it has ${bitmap.width}×${bitmap.height} pixels, more than the playground scales down`);
        onImage(grayFromSource(bitmap, MAX_SIDE), chosen.name);
      } finally {
        bitmap.close();
      }
    });
  });

  let stream: MediaStream | null = null;
  const stopCamera = () => {
    stream?.getTracks().forEach((t) => t.stop());
    stream = null;
    video.hidden = snap.hidden = true;
  };
  cameraButton.addEventListener('click', async () => {
    if (stream) return stopCamera();
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
    } catch (error) {
      showError(`The camera is not available: ${messageOf(error)}`);
      return;
    }
    video.srcObject = stream;
    video.hidden = snap.hidden = false;
    await video.play();
  });
  snap.addEventListener('click', () => {
    onImage(grayFromSource(video, MAX_SIDE, video.videoWidth, video.videoHeight), 'camera photo');
    stopCamera();
  });

  const element = h('div', { class: 'image-picker' }, h('label', { for: 'image-source' }, 'Image '), select, fileButton, file, cameraButton, snap, video);
  return { element, choose };
}
