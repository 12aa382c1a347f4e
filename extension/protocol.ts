/**
 * The one message protocol between the extension's contexts: one-shot commands (a map from name to payload and
 * reply types, with typed send/handle) and the panel's live port. No untyped payloads; the only `unknown` is the
 * page relay's hint, which the worker validates because a page can forge it.
 *
 * The helpers take the runtime they use, so the page relay can pass the browser's native one and stay free of
 * webextension-polyfill (it runs in every frame of every page).
 */
import type { FailureRecord } from '../src/capture/records.ts';
import type { TabSnapshot, TabSummary } from '../src/capture/tab-log.ts';

export interface Commands {
  /** From the page relay: what the page said about its calls, in order. Validated by the worker. */
  hints: { payload: unknown; reply: { received: true; armed: boolean } };
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

/** What send() needs of a runtime: a promise-returning sendMessage (polyfilled or native). */
export interface MessageRuntime {
  sendMessage(message: unknown): Promise<unknown>;
}

/** A long-lived port as the page relay sees it (the browser's native one). */
export interface HintPort {
  postMessage(message: unknown): void;
  disconnect(): void;
  onMessage: { addListener(listener: (message: unknown) => void): void };
  onDisconnect: { addListener(listener: () => void): void };
}

/** What handle() needs of a runtime: onMessage whose listeners may answer with a promise (the polyfill's). */
export interface HandlerRuntime<Sender> {
  onMessage: { addListener(listener: (message: unknown, sender: Sender) => Promise<unknown> | undefined): void };
}

export type Send = <K extends CommandName>(type: K, payload: Commands[K]['payload']) => Promise<Commands[K]['reply']>;

/** A typed send over a runtime: resolves with the worker's typed reply. */
export function sender(runtime: MessageRuntime): Send {
  return async (type, payload) => {
    const envelope: Envelope = { channel: 'cors-lens', type, payload };
    return (await runtime.sendMessage(envelope)) as never;
  };
}

export type Handlers<Sender> = {
  [K in CommandName]: (payload: Commands[K]['payload'], sender: Sender) => Promise<Commands[K]['reply']> | Commands[K]['reply'];
};

/** Registers the worker's command handlers. Call synchronously at the worker's top level. */
export function handle<Sender>(runtime: HandlerRuntime<Sender>, handlers: Handlers<Sender>): void {
  runtime.onMessage.addListener((message, from) => {
    if (!isEnvelope(message) || !Object.hasOwn(handlers, message.type)) return undefined;
    const handler = handlers[message.type] as (payload: unknown, sender: Sender) => unknown;
    return Promise.resolve(handler(message.payload, from));
  });
}

/** Worker to a tab's page relays (tabs.sendMessage): whether the tab has detailed capture. */
export interface ArmedMessage {
  readonly channel: 'cors-lens';
  readonly type: 'armed';
  readonly payload: boolean;
}

export function isArmedMessage(message: unknown): message is ArmedMessage {
  const m = message as Partial<ArmedMessage> | null;
  return typeof m === 'object' && m !== null && m.channel === 'cors-lens' && m.type === 'armed' && typeof m.payload === 'boolean';
}

/**
 * Name of the long-lived port from a page relay to the worker: the page's call starts, one batch per task, no reply
 * expected (a message over a port costs the browser a fraction of a sendMessage round trip). The worker posts an
 * ArmedMessage back when it has news. Failure reports, which must not be lost, go as the `hints` command instead.
 */
export const HINTS_PORT = 'cors-lens/hints';

/** Name of the long-lived port from a panel to the worker. */
export const PANEL_PORT = 'cors-lens/panel';

/** Panel to worker, over PANEL_PORT. */
export type PanelMessage = { readonly type: 'subscribe'; readonly tabId: number };

/** Worker to panel, over PANEL_PORT. */
export type WorkerMessage =
  | { readonly type: 'snapshot'; readonly snapshot: TabSnapshot }
  | { readonly type: 'record'; readonly record: FailureRecord; readonly summary: TabSummary }
  | { readonly type: 'reset'; readonly summary: TabSummary }
  | { readonly type: 'retracted'; readonly id: string; readonly summary: TabSummary }
  | { readonly type: 'batch'; readonly messages: readonly WorkerMessage[] };
