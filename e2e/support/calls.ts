/** Requests made from inside a page, with the API the page would use. */
import type { Page } from '@playwright/test';

export interface Call {
  readonly api: 'fetch' | 'xhr' | 'eventsource';
  readonly url: string;
  readonly credentials: boolean;
  readonly method?: string;
  readonly headers?: Record<string, string>;
}

/** Runs the calls in the page, all at once; resolves with 'ok' or 'failed' per call. */
export function runCalls(page: Page, calls: readonly Call[]): Promise<string[]> {
  return page.evaluate(
    (list) =>
      Promise.all(
        list.map(
          (c) =>
            new Promise<string>((resolve) => {
              if (c.api === 'xhr') {
                const x = new XMLHttpRequest();
                x.open(c.method ?? 'GET', c.url);
                x.withCredentials = c.credentials;
                for (const [k, v] of Object.entries(c.headers ?? {})) x.setRequestHeader(k, v);
                x.onload = () => resolve('ok');
                x.onerror = () => resolve('failed');
                x.send();
              } else if (c.api === 'eventsource') {
                const s = new EventSource(c.url, { withCredentials: c.credentials });
                s.onmessage = () => {
                  s.close();
                  resolve('ok');
                };
                s.onerror = () => {
                  s.close();
                  resolve('failed');
                };
              } else {
                fetch(c.url, {
                  method: c.method ?? 'GET',
                  credentials: c.credentials ? 'include' : 'same-origin',
                  headers: c.headers ?? {},
                }).then(
                  async (r) => {
                    await r.text();
                    resolve('ok');
                  },
                  () => resolve('failed'),
                );
              }
            }),
        ),
      ),
    calls,
  );
}

let counter = 0;

/** A unique scenario URL on the API (see cors-server.ts for the query language). */
export function scenarioUrl(
  origin: string,
  spec: {
    h?: Record<string, string | string[]>;
    p?: Record<string, string | string[]>;
    s?: number;
    ps?: number;
    sse?: boolean;
    loc?: string;
  },
  tag = 'x',
): string {
  const params = new URLSearchParams();
  params.set('id', `${tag}-${Date.now().toString(36)}-${(counter++).toString(36)}`);
  if (spec.h) params.set('h', JSON.stringify(spec.h));
  if (spec.p) params.set('p', JSON.stringify(spec.p));
  if (spec.s) params.set('s', String(spec.s));
  if (spec.ps) params.set('ps', String(spec.ps));
  if (spec.loc) params.set('loc', spec.loc);
  if (spec.sse) params.set('sse', '1');
  return `${origin}/${spec.sse ? 'sse' : 'cors'}?${params}`;
}
