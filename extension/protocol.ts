/**
 * The one message protocol between the extension's contexts: one-shot commands (a map from name to payload and
 * reply types, with typed send/handle) and the panel's live port. No untyped payloads; the only `unknown` is the
 * page relay's hint, which the worker validates because a page can forge it.
 */
import type { FailureRecord } from '../src/capture/records.ts';
import type { TabSnapshot, TabSummary } from '../src/capture/tab-log.ts';
import { browser, type Runtime } from './platform/index.ts';

export interface Commands {
  /** From the page relay: what the page said about one of its calls. Validated by the worker. */
  hint: { payload: unknown; reply: undefined };
  /** The tab's log. */
  snapshot: { payload: { tabId: number }; reply: TabSnapshot };
  /** Empty the tab's log. */
  clear: { payload: { tabId: number }; reply: undefined };
  /** Keep the tab's log across navigations. */
  preserve: { payload: { tabId: number; preserve: boolean }; reply: undefined };
  /** Readiness probe: resolves once the worker has its listeners and its restored state. */
  ready: { payload: null; reply: { ready: true; tabs: number } };
}

export type CommandName = keyof Commands;

interface Envelope<K extends CommandName = CommandName> {
  readonly channel: 'cors-lens';
  readonly type: K;
  readonly payload: Commands[K]['payload'];
}

function isEnvelope(message: unknown): message is Envelope {
  return typeof message === 'object' && message !== null && (message as { channel?: unknown }).channel === 'cors-lens';
}

/** Sends a command to the service worker and resolves with its typed reply. */
export async function send<K extends CommandName>(type: K, payload: Commands[K]['payload']): Promise<Commands[K]['reply']> {
  const envelope: Envelope<K> = { channel: 'cors-lens', type, payload };
  return (await browser.runtime.sendMessage(envelope)) as Commands[K]['reply'];
}

export type Handlers = {
  [K in CommandName]: (
    payload: Commands[K]['payload'],
    sender: Runtime.MessageSender,
  ) => Promise<Commands[K]['reply']> | Commands[K]['reply'];
};

/** Registers the worker's command handlers. Call synchronously at the worker's top level. */
export function handle(handlers: Handlers): void {
  browser.runtime.onMessage.addListener((message: unknown, sender: Runtime.MessageSender) => {
    if (!isEnvelope(message) || !Object.hasOwn(handlers, message.type)) return undefined;
    const handler = handlers[message.type] as (payload: unknown, sender: Runtime.MessageSender) => unknown;
    return Promise.resolve(handler(message.payload, sender));
  });
}

/** Name of the long-lived port from a panel to the worker. */
export const PANEL_PORT = 'cors-lens/panel';

/** Panel to worker, over PANEL_PORT. */
export type PanelMessage = { readonly type: 'subscribe'; readonly tabId: number };

/** Worker to panel, over PANEL_PORT. */
export type WorkerMessage =
  | { readonly type: 'snapshot'; readonly snapshot: TabSnapshot }
  | { readonly type: 'record'; readonly record: FailureRecord; readonly summary: TabSummary }
  | { readonly type: 'reset'; readonly summary: TabSummary }
  | { readonly type: 'retracted'; readonly id: string; readonly summary: TabSummary };
