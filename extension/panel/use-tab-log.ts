/**
 * The panel's view of one tab's log, kept live over a port to the worker. The worker can stop at any moment (the
 * browser stops idle service workers); when the port drops the panel reconnects and takes a fresh snapshot, so a
 * restart never leaves it stale.
 */
import { useEffect, useState } from 'preact/hooks';
import type { FailureRecord, TabSummary } from '../../src/index.ts';
import { browser, inDevtools } from '../platform/index.ts';
import { type CaptureState, PANEL_PORT, type PanelMessage, type WorkerMessage } from '../protocol.ts';
import { RenderBudget } from './render-budget.ts';

/** How long messages wait for a frame before they are applied anyway, ms. */
const RENDER_FALLBACK_MS = 500;
/** Renders in a row that run at once (one per frame), then renders per second while the log keeps growing. */
const RENDER_BURST = 5;
const RENDER_RATE = 10;
/**
 * A render that applied this many messages (rows and their updates) means a burst is in progress: the next one waits
 * for a third of a second. Fed a burst of 1,000 failures, the panel's main thread spent 611 ms with this pause
 * against 780 ms without (bench/panel-burst.ts, 3 rounds); a failure now and then, or a steady few a second with
 * their details, still renders at the next frame.
 */
const BUSY = { messages: 20, rate: 3 };

export interface TabLogView {
  readonly summary: TabSummary | null;
  readonly records: readonly FailureRecord[];
  readonly connected: boolean;
  /** How much the worker captures on the tab now; null until it said. */
  readonly capture: CaptureState | null;
}

/** Applies one message from the worker (a batch in one pass: records are found through an index, not a scan). */
export function applyMessage(view: TabLogView, message: WorkerMessage): TabLogView {
  if (message.type === 'snapshot')
    return { summary: message.snapshot.summary, records: message.snapshot.records, connected: true, capture: message.capture };
  const messages = message.type === 'batch' ? message.messages : [message];
  let records = [...view.records];
  let index: Map<string, number> | null = null;
  let summary = view.summary;
  let capture = view.capture;
  for (const m of messages) {
    switch (m.type) {
      case 'reset':
        // A log restarted from empty (navigation, Clear) has a new generation; otherwise only the settings changed.
        if (m.summary.generation !== summary?.generation) {
          records = [];
          index = null;
        }
        summary = m.summary;
        break;
      case 'retracted':
        records = records.filter((r) => r.id !== m.id);
        index = null;
        summary = m.summary;
        break;
      case 'record': {
        index ??= new Map(records.map((r, i) => [r.id, i]));
        const at = index.get(m.record.id);
        if (at === undefined) {
          index.set(m.record.id, records.length);
          records.push(m.record);
        } else records[at] = m.record;
        summary = m.summary;
        break;
      }
      case 'capture':
        capture = m.capture;
        break;
      default:
        break;
    }
  }
  return { ...view, summary, records, capture };
}

export function useTabLog(tabId: number | null): TabLogView {
  const [view, setView] = useState<TabLogView>({ summary: null, records: [], connected: false, capture: null });
  useEffect(() => {
    if (tabId === null) return;
    let port: ReturnType<typeof browser.runtime.connect> | null = null;
    let closed = false;
    let retry: ReturnType<typeof setTimeout> | null = null;
    let delay = 100;
    let queue: WorkerMessage[] = [];
    let frame: number | null = null;
    let fallback: ReturnType<typeof setTimeout> | null = null;
    let gap: ReturnType<typeof setTimeout> | null = null;
    const budget = new RenderBudget(RENDER_BURST, RENDER_RATE, undefined, BUSY);
    const render = () => {
      if (frame !== null) cancelAnimationFrame(frame);
      if (fallback !== null) clearTimeout(fallback);
      frame = null;
      fallback = null;
      const messages = queue;
      budget.spend(messages.reduce((n, m) => n + (m.type === 'batch' ? m.messages.length : 1), 0));
      queue = [];
      setView((v) => messages.reduce(applyMessage, v));
    };
    const connect = () => {
      port = browser.runtime.connect({ name: PANEL_PORT });
      port.onMessage.addListener((message: unknown) => {
        delay = 100;
        queue.push(message as WorkerMessage);
        // At most one render per frame. A window the browser does not paint (hidden, occluded, a DevTools window in
        // the background) runs no frames: there the messages are applied twice a second, so the queue stays short
        // and the panel is current when it is seen.
        if (frame !== null || gap !== null) return;
        const ask = () => {
          gap = null;
          frame = requestAnimationFrame(render);
          fallback = setTimeout(render, RENDER_FALLBACK_MS);
        };
        const wait = budget.wait();
        if (wait === 0) ask();
        else gap = setTimeout(ask, wait);
      });
      port.onDisconnect.addListener(() => {
        setView((v) => ({ ...v, connected: false }));
        if (closed) return;
        retry = setTimeout(connect, delay);
        delay = Math.min(delay * 2, 2000);
      });
      // A panel open as a page asks for detailed capture on its tab; in DevTools the network log has the details.
      const subscribe: PanelMessage = { type: 'subscribe', tabId, asPage: !inDevtools() };
      port.postMessage(subscribe);
    };
    connect();
    return () => {
      closed = true;
      if (retry) clearTimeout(retry);
      if (frame !== null) cancelAnimationFrame(frame);
      if (fallback !== null) clearTimeout(fallback);
      if (gap !== null) clearTimeout(gap);
      port?.disconnect();
    };
  }, [tabId]);
  return view;
}
