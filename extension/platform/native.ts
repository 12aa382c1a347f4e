/**
 * The browser's own extension runtime, without webextension-polyfill: Chromium's `chrome` and Firefox's `browser`
 * both return promises in MV3. Only for the page relay, which runs in every frame of every page and must stay small;
 * everything else goes through platform/index.ts.
 */
import type { HintPort, MessageRuntime } from '../protocol.ts';

export interface NativeRuntime extends MessageRuntime {
  connect(info: { name: string }): HintPort;
  onMessage: { addListener(listener: (message: unknown) => void): void };
}

export function nativeRuntime(): NativeRuntime {
  const g = globalThis as { browser?: { runtime?: NativeRuntime }; chrome?: { runtime?: NativeRuntime } };
  const runtime = g.browser?.runtime ?? g.chrome?.runtime;
  if (!runtime) throw new Error('CORS Lens: no extension runtime in this context');
  return runtime;
}
