/**
 * The browser's own extension runtime, without webextension-polyfill: Chromium's `chrome` and Firefox's `browser`
 * both return promises in MV3. Only for the page relay, which runs in every frame of every page and must stay small;
 * everything else goes through platform/index.ts.
 */
import type { MessageRuntime } from '../protocol.ts';

export function nativeRuntime(): MessageRuntime {
  const g = globalThis as { browser?: { runtime?: MessageRuntime }; chrome?: { runtime?: MessageRuntime } };
  const runtime = g.browser?.runtime ?? g.chrome?.runtime;
  if (!runtime) throw new Error('CORS Lens: no extension runtime in this context');
  return runtime;
}
