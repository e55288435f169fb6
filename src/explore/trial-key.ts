/** Trial keys: a short SHA-256 of the normalized config, so equal settings are one trial everywhere. */
import { createHash } from 'node:crypto';
import { canonicalConfig, type TrialConfig } from './trial-config.js';

/** SHA-256 (hex) of text or bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * The key of a normalized config: the first 16 hex digits of the SHA-256 of its canonical JSON.
 *
 * @example
 * trialKey(normalizeConfig({ sparsity: 0.9 })); // e.g. '3f2a…' (16 hex digits), the same on every machine
 */
export function trialKey(config: TrialConfig): string {
  return sha256Hex(canonicalConfig(config)).slice(0, 16);
}
