/**
 * Errors the user should read, in the page: a bad model file, an image that will not decode, a
 * camera that is refused. Shown in the #error banner (role=alert) with the view still usable, never
 * as a blank screen; uncaught errors and rejected promises land here too.
 */
import { byId, h } from './dom.js';

/** Show `message` (one line) in the banner, replacing what was there. */
export function showError(message: string): void {
  const banner = byId('error');
  banner.replaceChildren(h('span', {}, message), h('button', { type: 'button', 'aria-label': 'Dismiss' }, '×'));
  banner.querySelector('button')!.addEventListener('click', clearError);
  banner.hidden = false;
}

export function clearError(): void {
  const banner = byId('error');
  banner.hidden = true;
  banner.replaceChildren();
}

/** The readable line of anything thrown. */
export function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}

/** Run `task`; a failure goes to the banner prefixed with `what` (e.g. "Could not open lenet5.snn"). */
export async function reported<T>(what: string, task: () => Promise<T>): Promise<T | undefined> {
  try {
    return await task();
  } catch (error) {
    showError(`${what}: ${messageOf(error)}`);
    return undefined;
  }
}

/** Catch what nobody caught, so the page says something instead of silently stopping. */
export function installGlobalErrorHandlers(): void {
  window.addEventListener('error', (event) => showError(`Something went wrong: ${messageOf(event.error ?? event.message)}`));
  window.addEventListener('unhandledrejection', (event) => showError(`Something went wrong: ${messageOf(event.reason)}`));
}
