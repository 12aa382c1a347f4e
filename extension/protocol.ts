/**
 * The one message protocol between the extension's contexts: one-shot commands (a map from name to payload and
 * reply types, with typed send/handle), and two long-lived ports: the panel's live view and the devtools page's
 * network log. No untyped payloads; the only `unknown` is what a page relay sends, which the worker validates
 * because a compromised page could forge it.
 *
 * Who may send what is decided by the worker from what the browser says of the sender (service.ts): commands other
 * than `reports` and both ports are accepted only from the extension's own pages, never from a content script.
 *
 * The helpers take the runtime they use, so the page relay can pass the browser's native one and stay free of
 * webextension-polyfill (it runs in every frame of every page).
 */
import type { FailureRecord, LoggedExchange, TabSnapshot, TabSummary } from '../src/index.ts';

/**
 * How much CORS Lens sees of a tab's failures now: 'devtools' (DevTools is open on it: every detail, from its network
 * log), 'detailed' (the extension's own detailed capture: the panel is open as a page, or the user turned it on for
 * the tab's site), 'counting' (only that requests failed: the badge and a row without details).
 */
export type CaptureState = 'devtools' | 'detailed' | 'counting';

export interface Commands {
  /** From a page relay: the page's calls that failed (and event streams it closed). Validated by the worker. */
  reports: { payload: unknown; reply: { received: true } };
  /** The tab's log, and how much is captured on the tab now. */
  snapshot: { payload: { tabId: number }; reply: TabSnapshot & { readonly capture: CaptureState } };
  /** Empty the tab's log. */
  clear: { payload: { tabId: number }; reply: undefined };
  /** Keep the tab's log across navigations. */
  preserve: { payload: { tabId: number; preserve: boolean }; reply: undefined };
  /** Turn always-on detailed capture on or off for a site (an origin); replies with the sites it is on for. */
  detailOrigin: { payload: { origin: string; on: boolean }; reply: { origins: readonly string[] } };
  /** The sites with always-on detailed capture. */
  settings: { payload: null; reply: { origins: readonly string[] } };
  /** Readiness probe: resolves once the worker has its listeners and its restored state. */
  ready: { payload: null; reply: { ready: true; tabs: number } };
}

export type CommandName = keyof Commands;

interface Envelope<K extends CommandName = CommandName> {
  readonly channel: 'cors-lens';
  readonly type: K;
  readonly payload: Commands[K]['payload'];
}

/** Whether a message is one of ours (a command envelope). */
export function isEnvelope(message: unknown): message is Envelope {
  return typeof message === 'object' && message !== null && (message as { channel?: unknown }).channel === 'cors-lens';
}

/** What send() needs of a runtime: a promise-returning sendMessage (polyfilled or native). */
export interface MessageRuntime {
  sendMessage(message: unknown): Promise<unknown>;
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

/** Dispatches one message to its handler; undefined when it is not a command (the runtime then answers nothing). */
export function dispatch<Sender>(handlers: Handlers<Sender>, message: unknown, from: Sender): Promise<unknown> | undefined {
  if (!isEnvelope(message) || !Object.hasOwn(handlers, message.type)) return undefined;
  const handler = handlers[message.type] as (payload: unknown, sender: Sender) => unknown;
  return Promise.resolve(handler(message.payload, from));
}

/**
 * Worker to a page relay (tabs.sendMessage to one frame, or to every frame of a tab): send the reports you hold now.
 * The relay answers once the worker has received them. Relays hold their reports until asked (relay.iife.ts), so a
 * page that fails a thousand calls while nobody looks sends nothing.
 */
export interface RelayRequest {
  readonly channel: 'cors-lens';
  readonly type: 'send-reports';
}

export const SEND_REPORTS: RelayRequest = { channel: 'cors-lens', type: 'send-reports' };

export function isRelayRequest(message: unknown): message is RelayRequest {
  return isEnvelope(message) && (message as { type?: unknown }).type === 'send-reports';
}

/** Name of the long-lived port from a panel to the worker. */
export const PANEL_PORT = 'cors-lens/panel';

/** Panel to worker, over PANEL_PORT. `asPage`: the panel is open as a page (not in DevTools) and wants details. */
export type PanelMessage = { readonly type: 'subscribe'; readonly tabId: number; readonly asPage: boolean };

/** Worker to panel, over PANEL_PORT. */
export type WorkerMessage =
  | { readonly type: 'snapshot'; readonly snapshot: TabSnapshot; readonly capture: CaptureState }
  | { readonly type: 'record'; readonly record: FailureRecord; readonly summary: TabSummary }
  | { readonly type: 'reset'; readonly summary: TabSummary }
  | { readonly type: 'retracted'; readonly id: string; readonly summary: TabSummary }
  | { readonly type: 'capture'; readonly capture: CaptureState }
  | { readonly type: 'batch'; readonly messages: readonly WorkerMessage[] };

/** Name of the long-lived port from the devtools page (open while DevTools is open on a tab) to the worker. */
export const DEVTOOLS_PORT = 'cors-lens/devtools';

/** One exchange from DevTools' network log, with an id unique to the devtools page that saw it. */
export interface LoggedItem extends LoggedExchange {
  readonly id: string;
}

/**
 * Devtools page to worker, over DEVTOOLS_PORT: first which tab it inspects, then batches of what the network log
 * showed (failures, and cross-origin requests that passed). After a reconnect the recent items are sent again; the
 * worker ignores those it already has.
 */
export type DevtoolsMessage =
  | { readonly type: 'inspect'; readonly tabId: number }
  | { readonly type: 'logged'; readonly items: readonly LoggedItem[] };

/**
 * Worker to devtools page, over DEVTOOLS_PORT: read DevTools' log for the next `forMs` (a failure on the tab is listed
 * without its details; the devtools page reads the log only while someone needs it: network-log.ts).
 */
export type WorkerToDevtools = { readonly type: 'wanted'; readonly forMs: number };

/** How long the worker asks a devtools page to read DevTools' log after a failure without details, ms. */
export const DETAILS_WANTED_MS = 30_000;
