/**
 * The panel's view of one tab's log, kept live over a port to the worker. The worker can stop at any moment (the
 * browser stops idle service workers); when the port drops the panel reconnects and takes a fresh snapshot, so a
 * restart never leaves it stale.
 */
import { useEffect, useState } from 'preact/hooks';
import type { FailureRecord } from '../../src/capture/records.ts';
import type { TabSummary } from '../../src/capture/tab-log.ts';
import { browser } from '../platform/index.ts';
import { PANEL_PORT, type PanelMessage, type WorkerMessage } from '../protocol.ts';

export interface TabLogView {
  readonly summary: TabSummary | null;
  readonly records: readonly FailureRecord[];
  readonly connected: boolean;
}

export function applyMessage(view: TabLogView, message: WorkerMessage): TabLogView {
  switch (message.type) {
    case 'snapshot':
      return { summary: message.snapshot.summary, records: message.snapshot.records, connected: true };
    case 'reset':
      // A log restarted from empty (navigation, Clear) has a new generation; otherwise only the settings changed.
      return { ...view, summary: message.summary, records: message.summary.generation !== view.summary?.generation ? [] : view.records };
    case 'retracted':
      return { ...view, summary: message.summary, records: view.records.filter((r) => r.id !== message.id) };
    case 'record': {
      const index = view.records.findIndex((r) => r.id === message.record.id);
      const records = index >= 0 ? view.records.map((r, i) => (i === index ? message.record : r)) : [...view.records, message.record];
      return { ...view, summary: message.summary, records };
    }
  }
}

export function useTabLog(tabId: number | null): TabLogView {
  const [view, setView] = useState<TabLogView>({ summary: null, records: [], connected: false });
  useEffect(() => {
    if (tabId === null) return;
    let port: ReturnType<typeof browser.runtime.connect> | null = null;
    let closed = false;
    let retry: ReturnType<typeof setTimeout> | null = null;
    let delay = 100;
    const connect = () => {
      port = browser.runtime.connect({ name: PANEL_PORT });
      port.onMessage.addListener((message: unknown) => {
        delay = 100;
        setView((v) => applyMessage(v, message as WorkerMessage));
      });
      port.onDisconnect.addListener(() => {
        setView((v) => ({ ...v, connected: false }));
        if (closed) return;
        retry = setTimeout(connect, delay);
        delay = Math.min(delay * 2, 2000);
      });
      const subscribe: PanelMessage = { type: 'subscribe', tabId };
      port.postMessage(subscribe);
    };
    connect();
    return () => {
      closed = true;
      if (retry) clearTimeout(retry);
      port?.disconnect();
    };
  }, [tabId]);
  return view;
}
