/** Requests made from inside a page, with the API the page would use. */
import type { Page } from '@playwright/test';
import { runTriggers, type Trigger } from './triggers.ts';

export interface Call {
  readonly api: 'fetch' | 'xhr' | 'eventsource';
  readonly url: string;
  readonly credentials: boolean;
  readonly method?: string;
  readonly headers?: Record<string, string>;
}

const triggerOf = ({ api, url, credentials, method, headers }: Call): Trigger =>
  api === 'xhr'
    ? { kind: 'xhr', url, withCredentials: credentials, method, headers }
    : api === 'eventsource'
      ? { kind: 'eventsource', url, withCredentials: credentials }
      : { kind: 'fetch', url, credentials: credentials ? 'include' : 'same-origin', method, headers };

/** Runs the calls in the page, all at once (see runTriggers); resolves with 'ok', 'failed' or 'timeout' per call. */
export function runCalls(page: Page, calls: readonly Call[]): Promise<string[]> {
  return runTriggers(page, calls.map(triggerOf));
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
