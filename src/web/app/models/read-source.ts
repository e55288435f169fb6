/**
 * The bytes of a model source, bounded: the size is checked (File.size, Content-Length, then the
 * bytes read) before anything is decoded. No TF.js here, so the draw view can fetch a .snn file
 * before deciding which engine runs it.
 */
import type { ModelSource } from './model-sources.js';

/** The largest model file the page reads (the LeNets are 1.7 MB dense, kilobytes compressed). */
export const MAX_MODEL_BYTES = 64 * 1024 * 1024;

export async function fetchBounded(url: string, what: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${what}: HTTP ${response.status} ${response.statusText}`.trim());
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > MAX_MODEL_BYTES) throw new Error(`${what} is ${declared} bytes, more than the ${MAX_MODEL_BYTES} the page reads`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.length > MAX_MODEL_BYTES) throw new Error(`${what} is larger than the ${MAX_MODEL_BYTES} bytes the page reads`);
  return bytes;
}

export async function fileBytes(file: File): Promise<Uint8Array> {
  if (file.size > MAX_MODEL_BYTES) throw new Error(`${file.name} is ${file.size} bytes, more than the ${MAX_MODEL_BYTES} the page reads`);
  return new Uint8Array(await file.arrayBuffer());
}

/** The .snn bytes of an .snn source. */
export async function snnBytes(source: ModelSource): Promise<Uint8Array> {
  if (source.format !== 'snn') throw new Error(`${source.label} is not a .snn file`);
  if (source.origin === 'compressed') return source.snn;
  if (source.origin === 'served') return fetchBounded(source.url, source.label);
  if (source.origin === 'file') return fileBytes(source.files[0]!);
  throw new Error('this model has no .snn bytes');
}
