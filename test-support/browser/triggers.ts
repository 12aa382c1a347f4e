/**
 * Every way a page makes a CORS-mode request, run from inside the page: fetch, XHR, EventSource, elements with
 * crossorigin (img, script, module script, link stylesheet, video, audio), fonts, dedicated and shared workers, and
 * iframes of another origin. Each trigger resolves when the browser is done with it (load, error or message).
 */
import type { Page } from '@playwright/test';

/** What running triggers needs of a page: Playwright's Page has it, and the Firefox recorder adapts puppeteer's. */
export type PageEvaluator = Pick<Page, 'evaluate'>;

/** Request headers: a record, or name/value pairs kept in their order (and with repeated names). */
export type TriggerHeaders = Readonly<Record<string, string>> | readonly (readonly [string, string])[];

export type Trigger =
  | {
      kind: 'fetch';
      url: string;
      credentials?: RequestCredentials;
      method?: string;
      headers?: TriggerHeaders;
      mode?: RequestMode;
      body?: string;
    }
  | { kind: 'xhr'; url: string; withCredentials: boolean; method?: string; headers?: TriggerHeaders; body?: string }
  | {
      kind: 'eventsource';
      url: string;
      withCredentials: boolean;
      /**
       * Wait for the server to end the stream (an error event), and say 'ok' if a message came before it, instead of
       * closing at the first message.
       */
      untilEnd?: boolean;
    }
  | {
      kind: 'element';
      tag: 'img' | 'script' | 'module' | 'link' | 'video' | 'audio';
      url: string;
      crossOrigin: 'anonymous' | 'use-credentials' | null;
    }
  | { kind: 'font'; url: string }
  | { kind: 'worker' | 'shared-worker' | 'frame'; url: string };

/**
 * Runs the triggers in the page, all at once; resolves with one word per trigger: 'ok', 'failed', 'timeout' (nothing
 * after timeoutMs) or what a worker or frame reported.
 */
export function runTriggers(page: PageEvaluator, triggers: readonly Trigger[], timeoutMs = 8000): Promise<string[]> {
  return page.evaluate(
    ({ list, timeoutMs }) =>
      Promise.all(
        list.map((t) =>
          Promise.race([
            new Promise<string>((resolve) => {
              // No named functions in here (not even `const f = () => …`): tsx (scripts/) wraps them in a __name
              // helper the page does not have.
              switch (t.kind) {
                case 'fetch':
                  fetch(t.url, {
                    credentials: t.credentials ?? 'same-origin',
                    method: t.method ?? 'GET',
                    headers: (t.headers ?? {}) as HeadersInit,
                    mode: t.mode ?? 'cors',
                    ...(t.body !== undefined ? { body: t.body } : {}),
                  }).then(
                    async (r) => {
                      await r.text().catch(() => '');
                      resolve('ok');
                    },
                    () => resolve('failed'),
                  );
                  return;
                case 'xhr': {
                  const x = new XMLHttpRequest();
                  x.open(t.method ?? 'GET', t.url);
                  x.withCredentials = t.withCredentials;
                  const headers = Array.isArray(t.headers) ? t.headers : Object.entries(t.headers ?? {});
                  for (const [k, v] of headers as [string, string][]) x.setRequestHeader(k, v);
                  x.onload = () => resolve('ok');
                  x.onerror = () => resolve('failed');
                  x.send(t.body ?? null);
                  return;
                }
                case 'eventsource': {
                  const s = new EventSource(t.url, { withCredentials: t.withCredentials });
                  let received = false;
                  s.onmessage = () => {
                    received = true;
                    if (t.untilEnd) return;
                    s.close();
                    resolve('ok');
                  };
                  s.onerror = () => {
                    s.close();
                    resolve(received ? 'ok' : 'failed');
                  };
                  return;
                }
                case 'element': {
                  const tag = t.tag === 'module' ? 'script' : t.tag;
                  const el = document.createElement(tag) as HTMLImageElement & HTMLScriptElement & HTMLLinkElement & HTMLMediaElement;
                  if (t.crossOrigin !== null) el.crossOrigin = t.crossOrigin;
                  el.onload = () => {
                    el.remove();
                    resolve('ok');
                  };
                  el.onerror = () => {
                    el.remove();
                    resolve('failed');
                  };
                  if (tag === 'video' || tag === 'audio') {
                    el.onloadeddata = el.onload;
                    el.preload = 'auto';
                  }
                  if (t.tag === 'module') el.type = 'module';
                  if (tag === 'link') {
                    el.rel = 'stylesheet';
                    el.href = t.url;
                  } else el.src = t.url;
                  (tag === 'link' || tag === 'script' ? document.head : document.body).append(el);
                  return;
                }
                case 'font':
                  new FontFace(`f${Math.random().toString(36).slice(2)}`, `url(${JSON.stringify(t.url)})`).load().then(
                    () => resolve('ok'),
                    () => resolve('failed'),
                  );
                  return;
                case 'worker': {
                  const w = new Worker(t.url);
                  w.onmessage = (e) => {
                    w.terminate();
                    resolve(String(e.data));
                  };
                  w.onerror = () => resolve('worker-error');
                  return;
                }
                case 'shared-worker': {
                  const w = new SharedWorker(t.url);
                  w.port.onmessage = (e) => resolve(String(e.data));
                  w.port.start();
                  return;
                }
                case 'frame': {
                  const f = document.createElement('iframe');
                  const listening = new AbortController();
                  window.addEventListener(
                    'message',
                    (e) => {
                      if (e.source !== f.contentWindow) return;
                      listening.abort();
                      f.remove();
                      resolve(String((e.data as { frameDone?: string }).frameDone));
                    },
                    { signal: listening.signal },
                  );
                  f.src = t.url;
                  document.body.append(f);
                  return;
                }
              }
            }),
            new Promise<string>((r) => setTimeout(() => r('timeout'), timeoutMs)),
          ]),
        ),
      ),
    { list: triggers as Trigger[], timeoutMs },
  );
}
