/**
 * The recording server behind the conformance corpus: a page origin, an API origin and a third origin for redirect
 * targets, each reachable as http://localhost:<port> and http://127.0.0.1:<port> (one site apart). Responses are
 * described in the query string, like test-support/servers/cors-server.ts:
 *
 *   h=<json>  headers of the actual response      p=<json>  headers of the preflight (OPTIONS) response
 *   s=<n>     status of the actual response       ps=<n>    status of the preflight response
 *   loc=<url> Location of the actual response     ploc=<url> Location of the preflight response
 *   sse=1     answer as an event stream
 *
 * Unlike the e2e server it speaks HTTP/1.1 itself, one request per connection: it reads any method and header bytes
 * fetch may send and writes the status line and header lines byte for byte (NUL bytes, padded values: what some
 * web-platform-tests send). It logs every request with all its header lines as received and every response line as
 * written: the wire facts the corpus is built from.
 * Placeholders in header values: $ORIGIN (the request's Origin header), $PAGE (the page origin), $PAGEHOST
 * (host:port of the page), $PAGEPORT, $API (the cross-site API origin).
 */
import http from 'node:http';
import net from 'node:net';
import { listenOnLoopback } from '../servers/loopback.ts';

export type HeaderSpec = Record<string, string | string[]>;

export interface WireRequest {
  readonly method: string;
  /** Path and query, as received. */
  readonly path: string;
  readonly port: number;
  /** Every header line as received: [name, value] in order. */
  readonly headers: readonly (readonly [string, string])[];
  status: number;
  /** Every header line written: [name, value] in order. */
  response: (readonly [string, string])[];
}

export interface RecordingServers {
  readonly page: string;
  readonly api: string;
  readonly apiSameSite: string;
  /** The API under a host name that is not loopback (mapped to 127.0.0.1 by the browser): not potentially trustworthy. */
  readonly apiInsecure: string;
  /** The page under such a host name: not a secure context. */
  readonly pageInsecure: string;
  readonly other: string;
  readonly otherSameSite: string;
  readonly log: WireRequest[];
  close(): Promise<void>;
}

function parseSpec(value: string | null): HeaderSpec {
  if (!value) return {};
  const parsed = JSON.parse(value) as unknown;
  return typeof parsed === 'object' && parsed !== null ? (parsed as HeaderSpec) : {};
}

const PAGE_HTML = '<!doctype html><meta charset=utf-8><title>conformance</title><body>conformance recorder</body>';

interface ParsedRequest {
  readonly method: string;
  readonly target: string;
  readonly headers: [string, string][];
}

/**
 * Reads one HTTP/1.1 request off a connection. A parser of our own: Node's refuses methods it does not know
 * (fetch may send any token, e.g. NEW) and header values with control bytes (\u0001 is a valid fetch header value).
 */
function readRequest(socket: net.Socket, onRequest: (r: ParsedRequest) => void): void {
  let buffer = Buffer.alloc(0);
  let done = false;
  socket.on('data', (chunk) => {
    if (done) return;
    buffer = Buffer.concat([buffer, chunk]);
    const end = buffer.indexOf('\r\n\r\n');
    if (end < 0) return;
    const [requestLine = '', ...lines] = buffer.subarray(0, end).toString('latin1').split('\r\n');
    const headers = lines.map((line): [string, string] => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon), line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '')];
    });
    const length = Number(headers.find(([n]) => n.toLowerCase() === 'content-length')?.[1] ?? 0);
    if (buffer.length < end + 4 + length) return;
    done = true;
    const [method = '', target = '/'] = requestLine.split(' ');
    onRequest({ method, target, headers });
  });
  socket.on('error', () => undefined);
}

function handler(log: WireRequest[], vars: () => Record<string, string>): (socket: net.Socket) => void {
  return (socket) =>
    readRequest(socket, (req) => {
      const url = new URL(req.target, 'http://recorder.invalid');
      const header = (name: string) => req.headers.find(([n]) => n.toLowerCase() === name)?.[1];
      const write = (status: number, lines: (readonly [string, string])[], body: string, stream = false) => {
        if (url.pathname === '/cors') {
          log.push({ method: req.method, path: req.target, port: socket.localPort ?? 0, headers: req.headers, status, response: lines });
        }
        const framing = stream ? [] : [`content-length: ${Buffer.byteLength(body, 'latin1')}`];
        const head = [`HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? 'Status'}`, ...lines.map(([n, v]) => `${n}: ${v}`), ...framing];
        socket.write(Buffer.from(`${head.join('\r\n')}\r\nconnection: close\r\n\r\n`, 'latin1'));
        if (!stream) {
          socket.end(Buffer.from(body, 'latin1'));
          return;
        }
        socket.write(body);
        setTimeout(() => socket.end(), 50);
      };
      if (url.pathname !== '/cors') {
        write(200, [['content-type', 'text/html; charset=utf-8']], PAGE_HTML);
        return;
      }
      const q = url.searchParams;
      const preflight = req.method === 'OPTIONS' && header('access-control-request-method') !== undefined;
      const spec = parseSpec(q.get(preflight ? 'p' : 'h'));
      const status = Number(q.get(preflight ? 'ps' : 's') ?? (preflight ? 204 : 200));
      const substitutions: Record<string, string> = { ...vars(), $ORIGIN: header('origin') ?? '' };
      const fill = (v: string) => v.replace(/\$(ORIGIN|PAGEHOST|PAGEPORT|PAGE|API)/g, (m) => substitutions[m] ?? m);
      const lines: [string, string][] = [];
      for (const [name, value] of Object.entries(spec)) for (const v of Array.isArray(value) ? value : [value]) lines.push([name, fill(v)]);
      const location = q.get(preflight ? 'ploc' : 'loc');
      if (location) lines.push(['location', location]);
      if (preflight) {
        write(status, lines, '');
      } else if (q.get('sse') === '1') {
        lines.push(['content-type', 'text/event-stream'], ['cache-control', 'no-store']);
        // A long retry: the stream ends after one message and the page closes it, nothing reconnects.
        write(status, lines, 'retry: 600000\ndata: hello\n\n', true);
      } else {
        lines.push(['content-type', 'application/json'], ['cache-control', 'no-store']);
        write(status, lines, '{"ok":true}');
      }
    });
}

/** Host names the browser must map to 127.0.0.1 (--host-resolver-rules): http there is not potentially trustworthy. */
export const INSECURE_HOSTS = { page: 'page.test', api: 'api.test' } as const;

export async function startRecordingServers(): Promise<RecordingServers> {
  const log: WireRequest[] = [];
  let vars: Record<string, string> = {};
  const listener = handler(log, () => vars);
  // Every connection is tracked so that close() can end the ones the browser keeps alive: a net server otherwise
  // waits for them (up to the browser's idle-socket timeout, a minute or more).
  const sockets = new Set<net.Socket>();
  const create = () =>
    net.createServer(listener).on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
  const listen = () => listenOnLoopback(create, 0);
  const [page, api, other] = [await listen(), await listen(), await listen()];
  vars = {
    $PAGE: `http://localhost:${page.port}`,
    $PAGEHOST: `localhost:${page.port}`,
    $PAGEPORT: String(page.port),
    $API: `http://127.0.0.1:${api.port}`,
  };
  const all = [...page.servers, ...api.servers, ...other.servers];
  return {
    page: `http://localhost:${page.port}`,
    api: `http://127.0.0.1:${api.port}`,
    apiSameSite: `http://localhost:${api.port}`,
    apiInsecure: `http://${INSECURE_HOSTS.api}:${api.port}`,
    pageInsecure: `http://${INSECURE_HOSTS.page}:${page.port}`,
    other: `http://127.0.0.1:${other.port}`,
    otherSameSite: `http://localhost:${other.port}`,
    log,
    close: async () => {
      const closed = Promise.all(all.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
