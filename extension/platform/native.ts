/**
 * The browser's own extension runtime, without webextension-polyfill: Chromium's `chrome` and Firefox's `browser`
 * both return promises in MV3. Only for the page relay, which runs in every frame of every page and must stay small;
 * everything else goes through platform/index.ts.
 */
import type { MessageRuntime } from '../protocol.ts';

/** What the relay needs of the runtime: sending, and hearing the worker's requests (sendResponse style). */
export interface RelayRuntime extends MessageRuntime {
  getURL(path: string): string;
  readonly onMessage: {
    addListener(listener: (message: unknown, sender: unknown, sendResponse: (reply: unknown) => void) => boolean | undefined): void;
  };
}

export function nativeRuntime(): RelayRuntime {
  const g = globalThis as { browser?: { runtime?: RelayRuntime }; chrome?: { runtime?: RelayRuntime } };
  const runtime = g.browser?.runtime ?? g.chrome?.runtime;
  if (!runtime) throw new Error('CORS Lens: no extension runtime in this context');
  return runtime;
}
