/**
 * Puts one wire request of the core's walk on the network with node's own http/https, exactly as given: the method
 * as written (fetch sends `patch` in lower case), the header lines in their order and case after Host, no redirect
 * following (the walk decides), no body read (only the status and header lines matter). What comes back is the
 * status and every header line as received, or the network error in Chromium's net:: words.
 */
import http from 'node:http';
import https from 'node:https';
import type { ResponseFacts, WireOutcome, WireRequest } from '../src/index.ts';

export interface SendOptions {
  readonly timeoutMs: number;
  /** "host:port" (lower-case host, IPv6 in brackets) -> the address to connect to instead. */
  readonly resolve: ReadonlyMap<string, string>;
}

/** What one request got, with the time it took and, for a network error, node's own words for the message. */
export interface Sent {
  readonly request: WireRequest;
  readonly outcome: WireOutcome;
  readonly ms: number;
  readonly detail: string | null;
}

export type Transport = (request: WireRequest) => Promise<Sent>;

/**
 * Why node's HTTP client cannot send these header lines as given, or null. It refuses control characters in values
 * (ERR_INVALID_CHAR), which browsers send (fetch forbids only NUL, CR and LF): a limit of this tool, said plainly.
 * (Characters above U+00FF are refused by browsers too: callProblem.)
 */
export function unsendable(headers: readonly { name: string; value: string }[]): string | null {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters node refuses
  const bad = headers.find((h) => /[\u0000-\u0008\u000a-\u001f\u007f]/.test(h.value));
  if (!bad) return null;
  return `the value of ${bad.name} has a control character: a browser would send it, but node's HTTP client cannot`;
}

/** Chromium's name for a node network error (net/base/net_error_list.h). */
export function netError(e: NodeJS.ErrnoException): string {
  const code = e.code ?? '';
  if (code.startsWith('HPE_')) return 'net::ERR_INVALID_HTTP_RESPONSE';
  switch (code) {
    case 'ECONNREFUSED':
      return 'net::ERR_CONNECTION_REFUSED';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return 'net::ERR_NAME_NOT_RESOLVED';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'net::ERR_CONNECTION_RESET';
    case 'ETIMEDOUT':
    case 'CORS_LENS_TIMEOUT':
      return 'net::ERR_TIMED_OUT';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'net::ERR_ADDRESS_UNREACHABLE';
    case 'CERT_HAS_EXPIRED':
    case 'CERT_NOT_YET_VALID':
      return 'net::ERR_CERT_DATE_INVALID';
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return 'net::ERR_CERT_COMMON_NAME_INVALID';
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return 'net::ERR_CERT_AUTHORITY_INVALID';
    default:
      return 'net::ERR_CONNECTION_FAILED';
  }
}

/** The status and header lines of a node response, as received: rawHeaders keeps case, order and repeats. */
function factsOf(res: http.IncomingMessage): ResponseFacts {
  const headers = [];
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2)
    headers.push({ name: res.rawHeaders[i] as string, value: res.rawHeaders[i + 1] as string });
  return { status: res.statusCode ?? 0, headers };
}

/** Sends one request; never rejects (a failure is a network error outcome). */
export function send(request: WireRequest, options: SendOptions): Promise<Sent> {
  const started = performance.now();
  const url = new URL(request.url);
  const secure = url.protocol === 'https:';
  const port = url.port || (secure ? '443' : '80');
  const address = options.resolve.get(`${url.hostname.toLowerCase()}:${port}`);
  // Host first, as browsers write it; Content-Length where Chromium puts it (first of the rest) when there is a body,
  // or for a method that may carry one (Chromium sends Content-Length: 0 for a PUT without body).
  const headers: Record<string, string> = { Host: url.host };
  const bodyless = request.kind === 'preflight' || request.method === 'GET' || request.method === 'HEAD';
  if (request.body !== null) headers['Content-Length'] = String(Buffer.byteLength(request.body));
  else if (!bodyless) headers['Content-Length'] = '0';
  for (const h of request.headers) headers[h.name] = h.value;
  return new Promise((resolve) => {
    let settled = false;
    const problem = unsendable(request.headers);
    if (problem) {
      resolve({ request, outcome: { error: 'net::ERR_INVALID_ARGUMENT' }, ms: 0, detail: problem });
      return;
    }
    const finish = (outcome: WireOutcome, detail: string | null) => {
      if (settled) return;
      settled = true;
      resolve({ request, outcome, ms: performance.now() - started, detail });
    };
    const req = (secure ? https : http).request({
      protocol: url.protocol,
      host: address ?? url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port,
      // The certificate is checked for the host name, also when --resolve picked the address.
      servername: secure && !/^\[|^\d+(\.\d+){3}$/.test(url.hostname) ? url.hostname : undefined,
      path: `${url.pathname}${url.search}`,
      method: 'GET',
      headers,
      agent: false,
      setHost: false,
      // Chromium reads header blocks up to 256 KB and tolerates what browsers meet in the wild.
      maxHeaderSize: 256 * 1024,
      insecureHTTPParser: true,
    });
    // node upper-cases the method option; the request line is written on end(), from this field, as the page wrote it.
    req.method = request.method;
    req.setTimeout(options.timeoutMs, () => {
      const e: NodeJS.ErrnoException = new Error(`no answer within ${options.timeoutMs / 1000} s`);
      e.code = 'CORS_LENS_TIMEOUT';
      req.destroy(e);
    });
    req.on('response', (res) => {
      finish({ response: factsOf(res) }, null);
      // Only the head matters: close instead of reading a body (an event stream would never end).
      res.destroy();
    });
    req.on('error', (e: NodeJS.ErrnoException) => finish({ error: netError(e) }, e.message));
    req.end(request.body ?? undefined);
  });
}

/** A transport for the walk and the audit, with these options. */
export function nodeTransport(options: SendOptions): Transport {
  return (request) => send(request, options);
}
