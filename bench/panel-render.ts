/**
 * Panel rendering with 10,000 rows: the real panel page from dist/, in Chromium, fed a 10,000-record snapshot through
 * a stand-in for its port to the worker (installed before the page's scripts run). Measures the time from the
 * snapshot's arrival to the rows in the DOM; the filter's index, which the panel builds in the background after the
 * render (slices of a few ms, so the panel stays responsive); and, once it is built, one filter keystroke: to the list
 * and the count showing its result (checked, not assumed from the first change), and to the next frame after that.
 */

import { PANEL_PAGE } from '../extension/paths.ts';
import { toRecord } from '../src/capture/records.ts';
import { launch } from '../test-support/browser/browser.ts';
import { exchange } from '../test-support/exchange.ts';
import { type Stats, stats } from './lib.ts';

interface Marks {
  renderedAt?: number;
  snapshotAt?: number;
  indexedAt?: number;
}

/** A record with DevTools' details, as JSON: the rows the panel benches feed the panel. */
export function recordTemplate(): string {
  const record = toRecord({
    phase: 'error',
    recordId: 'r',
    requestId: 'r',
    tabId: 1,
    frameId: 0,
    documentId: 'D',
    type: 'xmlhttprequest',
    time: Date.now(),
    amended: false,
    settled: false,
    watched: true,
    exchange: exchange({
      credentials: 'include',
      requestHeaders: { Accept: '*/*', 'Sec-Fetch-Mode': 'cors', Referer: 'https://app.example/page' },
      response: { headers: { 'access-control-allow-origin': 'https://app.example', 'content-type': 'application/json' } },
    }),
  });
  return JSON.stringify(record);
}

/**
 * Page-script source standing in for the panel's port to the worker (installed before the panel's scripts run): 50 ms
 * after the panel subscribes, it runs `onSubscribe`, in which `send(message)` hands the panel a worker message.
 */
export function fakePort(onSubscribe: string): string {
  return `chrome.runtime.connect = () => {
    const listeners = [];
    const send = (m) => { for (const f of listeners) f(m); };
    return {
      name: 'bench',
      onMessage: { addListener: (f) => listeners.push(f) },
      onDisconnect: { addListener: () => {} },
      disconnect: () => {},
      postMessage: () => setTimeout(() => { ${onSubscribe} }, 50),
    };
  };`;
}

/** What the keystroke types: part of some records' URLs, and of nothing else in a record. */
const QUERY = '/4';

export async function panelRender(rounds = 5): Promise<{ render: Stats; index: Stats; filter: Stats; frame: Stats }> {
  const lens = await launch({});
  const renders: number[] = [];
  const filters: number[] = [];
  const frames: number[] = [];
  const indexes: number[] = [];
  try {
    const page = await lens.context.newPage();
    await page.addInitScript(`(() => {
      const template = ${JSON.stringify(recordTemplate())};
      const records = [];
      for (let i = 0; i < 10000; i++) {
        const r = JSON.parse(template);
        r.id = 'r' + i;
        r.exchange.request.url = 'https://api.example/v1/items/' + i + '?page=' + (i % 37);
        if (i % 3 === 0) r.exchange.request.method = 'PUT';
        records.push(r);
      }
      window.benchUrls = records.map((r) => r.exchange.request.url);
      const summary = { tabId: 1, documentId: null, pageUrl: '', count: 10000, lookalikes: 0, dropped: 0, preserve: false, generation: 0 };
      ${fakePort(`window.snapshotAt = performance.now(); send({ type: 'snapshot', snapshot: { summary, records } });`)}
      new MutationObserver(() => {
        if (window.renderedAt === undefined && document.querySelector('[data-testid="failure"]')) window.renderedAt = performance.now();
        if (window.indexedAt === undefined && document.querySelector('[data-indexed="10000"]')) window.indexedAt = performance.now();
      }).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-indexed'] });
    })()`);
    for (let r = 0; r < rounds; r++) {
      await page.goto(`chrome-extension://${lens.extensionId}/${PANEL_PAGE}?tabId=1`);
      // Functions, not strings: the extension page's CSP forbids eval.
      await page.waitForFunction(() => (window as unknown as Marks).renderedAt !== undefined, undefined, { timeout: 30_000 });
      renders.push(
        await page.evaluate(() => ((window as unknown as Marks).renderedAt ?? 0) - ((window as unknown as Marks).snapshotAt ?? 0)),
      );
      await page.waitForFunction(() => (window as unknown as Marks).indexedAt !== undefined, undefined, { timeout: 30_000 });
      indexes.push(
        // The panel's own measure: it starts building once the log has been quiet a moment, and says how long it took.
        await page.evaluate(() => Number(document.querySelector<HTMLElement>('[data-indexed]')?.dataset.indexMs ?? Number.NaN)),
      );
      const [filter, frame] = await page.evaluate(
        (query) =>
          new Promise<[number, number]>((resolve) => {
            const count = (window as unknown as { benchUrls: string[] }).benchUrls.filter((u) => u.includes(query)).length;
            const input = document.querySelector('[data-testid="filter"]') as HTMLInputElement;
            let t0 = 0;
            // Done when the count says it and the list is full of matches, one per 20 px row (however the update is split).
            const view = document.querySelector('[data-testid="failures"]')?.parentElement?.clientHeight ?? 0;
            const full = Math.min(count, Math.floor(view / 20));
            new MutationObserver((_, o) => {
              const at = performance.now();
              const rows = [...document.querySelectorAll<HTMLElement>('[role="option"]')];
              const counted = document.querySelector('[data-testid="filter-count"]')?.textContent === `${count} of 10000`;
              if (!counted || rows.length < full || !rows.every((r) => r.dataset.url?.includes(query))) return;
              o.disconnect();
              requestAnimationFrame(() => setTimeout(() => resolve([at - t0, performance.now() - t0]), 0));
            }).observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true });
            t0 = performance.now();
            input.value = query;
            input.dispatchEvent(new Event('input', { bubbles: true }));
          }),
        QUERY,
      );
      filters.push(filter);
      frames.push(frame);
    }
  } finally {
    await lens.close();
  }
  return { render: stats(renders), index: stats(indexes), filter: stats(filters), frame: stats(frames) };
}
