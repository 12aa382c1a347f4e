/**
 * The requests an audit sends for one forged origin: the preflight a page on that origin would send first (when the
 * audited method or headers need one), and a GET (HEAD when audited) carrying the audited headers. Never the audited
 * request itself when its method could change data: an audit only reads.
 */
import { normalizeMethod, preflightReasons } from '../cors/safelist.ts';
import { callHeaders, type FetchCall, type HopContext, preflightLines, requestLines, siteRelation } from '../fetch/call.ts';
import type { WireRequest } from '../fetch/walk.ts';
import type { Probe } from './probes.ts';

/** The wire requests for one probe, in the order to send them. */
export function probeRequests(call: FetchCall, probe: Probe): WireRequest[] {
  const forged: FetchCall = { ...call, origin: probe.origin, body: null, cookie: null };
  const method = normalizeMethod(call.method);
  const headers = callHeaders(forged);
  const hop: HopContext = {
    url: call.url,
    method,
    headers,
    origin: probe.origin,
    site: siteRelation(probe.origin, call.url),
    sendOrigin: true,
    originLate: false,
  };
  const out: WireRequest[] = [];
  if (preflightReasons(method, headers).length > 0) {
    out.push({ kind: 'preflight', hop: 0, url: call.url, method: 'OPTIONS', headers: preflightLines(forged, hop), body: null });
  }
  const read = method === 'HEAD' ? 'HEAD' : 'GET';
  out.push({ kind: 'request', hop: 0, url: call.url, method: read, headers: requestLines(forged, { ...hop, method: read }), body: null });
  return out;
}
