/**
 * The techniques the main job demonstrates, in report order. Each entry turns the trained dense
 * baseline into one variant and measures it.
 */
import type { DemoVariant } from './report.js';

export const DEMO_VARIANTS: DemoVariant[] = [];
