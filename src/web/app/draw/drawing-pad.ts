/**
 * A square canvas to draw a digit on with mouse, finger or pen: white ink on black, like MNIST,
 * with a stroke about as thick, relative to the digit, as the dataset's. `onDraw` fires once per
 * animation frame while drawing and when a stroke ends.
 */
import { grayFromImageData } from '../canvas-gray.js';
import { h } from '../dom.js';
import type { Gray } from '../filter/convolution.js';

export const PAD_SIZE = 280;

export interface DrawingPad {
  element: HTMLCanvasElement;
  clear(): void;
  /** The drawing as gray values in [0, 1]. */
  read(): Gray;
}

export function createDrawingPad(onDraw: () => void): DrawingPad {
  const canvas = h('canvas', { id: 'pad', class: 'pad', width: PAD_SIZE, height: PAD_SIZE, 'aria-label': 'Drawing area: draw a digit from 0 to 9' });
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  const clear = () => {
    context.fillStyle = '#000';
    context.fillRect(0, 0, PAD_SIZE, PAD_SIZE);
  };
  clear();
  let last: { x: number; y: number } | null = null;
  let frame = 0;
  const notify = () => {
    if (!frame) frame = requestAnimationFrame(() => {
      frame = 0;
      onDraw();
    });
  };
  const at = (event: PointerEvent) => {
    const rect = canvas.getBoundingClientRect();
    return { x: ((event.clientX - rect.left) / rect.width) * PAD_SIZE, y: ((event.clientY - rect.top) / rect.height) * PAD_SIZE };
  };
  const line = (from: { x: number; y: number }, to: { x: number; y: number }) => {
    context.strokeStyle = '#fff';
    context.lineWidth = PAD_SIZE / 14; // ≈ 2 px of 28: MNIST's stroke width
    context.lineCap = 'round';
    context.lineJoin = 'round';
    context.beginPath();
    context.moveTo(from.x, from.y);
    context.lineTo(to.x, to.y);
    context.stroke();
  };
  canvas.addEventListener('pointerdown', (event) => {
    canvas.setPointerCapture(event.pointerId);
    last = at(event);
    line(last, last);
    notify();
  });
  canvas.addEventListener('pointermove', (event) => {
    if (!last) return;
    const next = at(event);
    line(last, next);
    last = next;
    notify();
  });
  const end = () => {
    last = null;
    onDraw();
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  return { element: canvas, clear, read: () => grayFromImageData(context.getImageData(0, 0, PAD_SIZE, PAD_SIZE)) };
}
