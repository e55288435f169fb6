/**
 * The classic hand-made filters, each with one sentence on what it picks out. 3×3 unless the
 * preset says otherwise; a 3×3 preset shown in the 5×5 editor sits in the middle, zeros around.
 */

export interface Preset {
  label: string;
  /** What it does, for a newcomer. */
  explains: string;
  size: 3 | 5;
  kernel: readonly number[];
}

export const PRESETS = {
  identity: { label: 'Identity', explains: 'Copies the image: one 1 in the middle, zeros elsewhere.', size: 3, kernel: [0, 0, 0, 0, 1, 0, 0, 0, 0] },
  blur: { label: 'Blur', explains: 'Averages each pixel with its neighbours (a 3×3 box blur).', size: 3, kernel: Array(9).fill(1 / 9) },
  gaussian: {
    label: 'Gaussian blur 5×5',
    explains: 'A smoother blur: near neighbours count more than far ones.',
    size: 5,
    kernel: [1, 4, 6, 4, 1, 4, 16, 24, 16, 4, 6, 24, 36, 24, 6, 4, 16, 24, 16, 4, 1, 4, 6, 4, 1].map((v) => v / 256),
  },
  sharpen: { label: 'Sharpen', explains: 'Boosts a pixel against its neighbours: edges get crisper.', size: 3, kernel: [0, -1, 0, -1, 5, -1, 0, -1, 0] },
  edge: { label: 'Edge (outline)', explains: 'Zero on flat areas, large where brightness changes in any direction.', size: 3, kernel: [-1, -1, -1, -1, 8, -1, -1, -1, -1] },
  sobelX: { label: 'Sobel x', explains: 'Responds to left-to-right brightness changes: vertical edges.', size: 3, kernel: [-1, 0, 1, -2, 0, 2, -1, 0, 1] },
  sobelY: { label: 'Sobel y', explains: 'Responds to top-to-bottom brightness changes: horizontal edges.', size: 3, kernel: [-1, -2, -1, 0, 0, 0, 1, 2, 1] },
  emboss: { label: 'Emboss', explains: 'Lights the image from the top left, like a relief.', size: 3, kernel: [-2, -1, 0, -1, 1, 1, 0, 1, 2] },
} as const satisfies Record<string, Preset>;

export type PresetName = keyof typeof PRESETS;

/** A preset's weights laid out for an editor of `size` (3×3 presets centered in 5×5). */
export function presetKernel(name: PresetName, size: 3 | 5): Float32Array {
  const preset: Preset = PRESETS[name];
  if (preset.size === size) return Float32Array.from(preset.kernel);
  const out = new Float32Array(size * size);
  if (preset.size < size) {
    const offset = (size - preset.size) / 2;
    for (let y = 0; y < preset.size; y++) for (let x = 0; x < preset.size; x++) out[(y + offset) * size + x + offset] = preset.kernel[y * preset.size + x]!;
    return out;
  }
  // 5×5 into 3×3: keep the middle (the editor says so next to the preset).
  const offset = (preset.size - size) / 2;
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) out[y * size + x] = preset.kernel[(y + offset) * preset.size + x + offset]!;
  return out;
}
