/** Builders for exchanges in unit tests: the smallest description of a scenario, with the browser's defaults. */
import type { Captured } from '../src/capture/tracker.ts';
import type { HeaderList } from '../src/headers.ts';
import type { CredentialsMode, CredentialsSource, Exchange, Hop, Initiator, RequestMode } from '../src/model.ts';

export const PAGE = 'https://app.example';
export const API = 'https://api.example/v1/items';

type Spec = Record<string, string | string[]>;

export function headers(spec: Spec = {}): HeaderList {
  return Object.entries(spec).flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((v) => ({ name, value: v })));
}

export interface ExchangeSpec {
  url?: string;
  method?: string;
  origin?: string;
  mode?: RequestMode;
  credentials?: CredentialsMode;
  credentialsSource?: CredentialsSource;
  initiator?: Initiator;
  requestHeaders?: Spec;
  /** Preflight response headers and status; omitted: no preflight observed. */
  preflight?: { status?: number; headers?: Spec; requestHeaders?: Spec } | null;
  response?: { status?: number; headers?: Spec } | null;
  /** Extra hops after the first (redirect targets), each with its own response. */
  redirects?: { url: string; response?: { status?: number; headers?: Spec } | null; preflight?: ExchangeSpec['preflight'] }[];
  error?: string | null;
}

/** An exchange as the capture would build it. The first hop's response defaults to 200 with no headers. */
export function exchange(spec: ExchangeSpec = {}): Exchange {
  const url = spec.url ?? API;
  const method = spec.method ?? 'GET';
  const origin = spec.origin ?? PAGE;
  const requestHeaders = headers({ origin, ...(spec.requestHeaders ?? {}) });
  const preflightOf = (p: ExchangeSpec['preflight']): Hop['preflight'] =>
    p
      ? {
          requestHeaders: headers({ origin, 'access-control-request-method': method, ...(p.requestHeaders ?? {}) }),
          response: { status: p.status ?? 204, headers: headers(p.headers) },
          error: null,
        }
      : null;
  const hops: Hop[] = [
    {
      url,
      originSent: origin,
      requestHeaders,
      preflight: preflightOf(spec.preflight),
      response: spec.response === null ? null : { status: spec.response?.status ?? 200, headers: headers(spec.response?.headers) },
    },
    ...(spec.redirects ?? []).map((r) => ({
      url: r.url,
      originSent: null,
      requestHeaders: headers({}),
      preflight: preflightOf(r.preflight),
      response: r.response === null ? null : { status: r.response?.status ?? 200, headers: headers(r.response?.headers) },
    })),
  ];
  return {
    request: {
      url,
      method,
      origin,
      mode: spec.mode ?? 'cors',
      credentials: { mode: spec.credentials ?? 'same-origin', source: spec.credentialsSource ?? (spec.credentials ? 'page' : 'default') },
      initiator: spec.initiator ?? 'fetch',
      headers: requestHeaders,
    },
    hops,
    error: spec.error === undefined ? 'net::ERR_FAILED' : spec.error,
  };
}

/** A capture as the tracker hands it to the records (capture/records.ts): one request of tab 1, around the exchange. */
export function captured(ex: Exchange, phase: Captured['phase'] = 'error', watched = true): Captured {
  return {
    watched,
    phase,
    recordId: '1',
    requestId: '1',
    tabId: 1,
    frameId: 0,
    documentId: 'D',
    type: 'xmlhttprequest',
    time: 0,
    exchange: ex,
    amended: false,
    settled: false,
  };
}
