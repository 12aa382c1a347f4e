/**
 * Every way a page makes a CORS-mode request, run from inside the page: fetch, XHR, EventSource, elements with
 * crossorigin (img, script, module script, link stylesheet, video, audio), fonts, dedicated and shared workers, and
 * iframes of another origin. Each trigger resolves when the browser is done with it (load, error or message).
 */
import type { Page } from '@playwright/test';

export type Trigger =
  | { kind: 'fetch'; url: string; credentials?: RequestCredentials; method?: string; headers?: Record<string, string>; mode?: RequestMode }
  | { kind: 'xhr'; url: string; withCredentials: boolean; method?: string; headers?: Record<string, string> }
  | { kind: 'eventsource'; url: string; withCredentials: boolean }
  | {
      kind: 'element';
      tag: 'img' | 'script' | 'module' | 'link' | 'video' | 'audio';
      url: string;
      crossOrigin: 'anonymous' | 'use-credentials' | null;
    }
  | { kind: 'font'; url: string }
  | { kind: 'worker' | 'shared-worker' | 'frame'; url: string };

export function runTriggers(page: Page, triggers: readonly Trigger[]): Promise<string[]> {
  return page.evaluate(async (list) => {
    const settle = (p: Promise<string>) => Promise.race([p, new Promise<string>((r) => setTimeout(() => r('timeout'), 8000))]);
    const one = (t: Trigger): Promise<string> => {
      switch (t.kind) {
        case 'fetch':
          return fetch(t.url, {
            credentials: t.credentials ?? 'same-origin',
            method: t.method ?? 'GET',
            headers: t.headers ?? {},
            mode: t.mode ?? 'cors',
          }).then(
            async (r) => {
              await r.text().catch(() => '');
              return 'ok';
            },
            () => 'failed',
          );
        case 'xhr':
          return new Promise((resolve) => {
            const x = new XMLHttpRequest();
            x.open(t.method ?? 'GET', t.url);
            x.withCredentials = t.withCredentials;
            for (const [k, v] of Object.entries(t.headers ?? {})) x.setRequestHeader(k, v);
            x.onload = () => resolve('ok');
            x.onerror = () => resolve('failed');
            x.send();
          });
        case 'eventsource':
          return new Promise((resolve) => {
            const s = new EventSource(t.url, { withCredentials: t.withCredentials });
            s.onmessage = () => {
              s.close();
              resolve('ok');
            };
            s.onerror = () => {
              s.close();
              resolve('failed');
            };
          });
        case 'element':
          return new Promise((resolve) => {
            const tag = t.tag === 'module' ? 'script' : t.tag;
            const el = document.createElement(tag) as HTMLImageElement & HTMLScriptElement & HTMLLinkElement & HTMLMediaElement;
            if (t.crossOrigin !== null) el.crossOrigin = t.crossOrigin;
            const done = (r: string) => () => {
              el.remove();
              resolve(r);
            };
            el.onload = done('ok');
            el.onerror = done('failed');
            if (tag === 'video' || tag === 'audio') {
              el.onloadeddata = done('ok');
              el.preload = 'auto';
            }
            if (t.tag === 'module') el.type = 'module';
            if (tag === 'link') {
              el.rel = 'stylesheet';
              el.href = t.url;
            } else el.src = t.url;
            (tag === 'link' || tag === 'script' ? document.head : document.body).append(el);
          });
        case 'font':
          return new FontFace(`f${Math.random().toString(36).slice(2)}`, `url(${JSON.stringify(t.url)})`).load().then(
            () => 'ok',
            () => 'failed',
          );
        case 'worker':
          return new Promise((resolve) => {
            const w = new Worker(t.url);
            w.onmessage = (e) => {
              w.terminate();
              resolve(String(e.data));
            };
            w.onerror = () => resolve('worker-error');
          });
        case 'shared-worker':
          return new Promise((resolve) => {
            const w = new SharedWorker(t.url);
            w.port.onmessage = (e) => resolve(String(e.data));
            w.port.start();
          });
        case 'frame':
          return new Promise((resolve) => {
            const f = document.createElement('iframe');
            const onMessage = (e: MessageEvent) => {
              if (e.source !== f.contentWindow) return;
              window.removeEventListener('message', onMessage);
              f.remove();
              resolve(String((e.data as { frameDone?: string }).frameDone));
            };
            window.addEventListener('message', onMessage);
            f.src = t.url;
            document.body.append(f);
          });
      }
    };
    return Promise.all(list.map((t) => settle(one(t))));
  }, triggers as Trigger[]);
}
