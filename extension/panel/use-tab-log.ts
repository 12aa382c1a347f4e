/**
 * The panel's view of one tab's log, kept live over a port to the worker. The worker can stop at any moment (the
 * browser stops idle service workers); when the port drops the panel reconnects and takes a fresh snapshot, so a
 * restart never leaves it stale.
 */
import { useEffect, useState } from 'preact/hooks';
import type { FailureRecord, TabSummary } from '../../src/index.ts';
import { browser, inDevtools } from '../platform/index.ts';
import { type CaptureState, PANEL_PORT, type PanelMessage, type WorkerMessage } from '../protocol.ts';

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
    const render = () => {
      frame = null;
      const messages = queue;
      queue = [];
      setView((v) => messages.reduce(applyMessage, v));
    };
    const connect = () => {
      port = browser.runtime.connect({ name: PANEL_PORT });
      port.onMessage.addListener((message: unknown) => {
        delay = 100;
        queue.push(message as WorkerMessage);
        // At most one render per frame; a hidden panel renders nothing until it is shown again.
        if (frame === null) frame = requestAnimationFrame(render);
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
      port?.disconnect();
    };
  }, [tabId]);
  return view;
}
