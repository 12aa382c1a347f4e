/**
 * The local two-origin world the tests and the demo run against: a page origin (http://localhost:<page>) and an
 * API reachable as a cross-site origin (http://127.0.0.1:<api>) and as a same-site cross-origin
 * (http://localhost:<api>). API responses are described in the query string, so any CORS scenario is one URL:
 *
 *   h=<json>   headers of the actual response   p=<json>  headers of the preflight (OPTIONS) response
 *   s=<status> status of the actual response    ps=<status> status of the preflight response
 *   loc=<url>  Location of the actual response  ploc=<url> Location of the preflight response
 *   ct=<type>  Content-Type                    sse=1 answer as an event stream
 *   big=<n>    an x-big header of n bytes       bigacao=<n> an Access-Control-Allow-Origin of about n bytes
 *   many=<n>   n more header lines             pbig=<n>  a preflight Access-Control-Allow-Headers of n bytes
 *   wide=<n>   n header lines of 2,000 bytes   hops=<n>  n redirects (302, same URL with hops-1) before the answer
 *   wwwauth=1  a WWW-Authenticate header carrying SERVER_SECRET (for the tests that look for secrets)
 *
 * Header values are a string or a list of strings (one header line each); `$ORIGIN` is replaced by the request's
 * Origin. Nothing is hard-wired to a verdict: the browser decides, the tests ask it over CDP.
 */
import http from 'node:http';
import { DEMO_ENDPOINTS, demoPage } from './demo-page.ts';
import { listenOnLoopback } from './loopback.ts';
import { PNG_1x1, realisticPage } from './realistic-page.ts';

export interface CorsServers {
  readonly pageOrigin: string;
  /** The API as another site (cookies are third-party here). */
  readonly crossSite: string;
  /** The API as the same site on another port (cross-origin, first-party cookies). */
  readonly sameSite: string;
  readonly pagePort: number;
  readonly apiPort: number;
  /** Requests the API received, for tests that need to know what reached the server. */
  readonly hits: { method: string; url: string; origin: string | undefined; cookie: boolean }[];
  close(): Promise<void>;
}

type HeaderSpec = Record<string, string | string[]>;

/** A secret the API puts in a response header on request (wwwauth=1), never in a URL. */
export const SERVER_SECRET = 'srvS3cr3tToken0xC0ffee';

function parseSpec(value: string | null): HeaderSpec {
  if (!value) return {};
  try {
    const parsed = JSON.parse(value) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as HeaderSpec) : {};
  } catch {
    return {};
  }
}

/** Builds the raw header list (name, value, name, value...) for a response spec. */
function headerLines(spec: HeaderSpec, origin: string): string[] {
  const lines: string[] = [];
  for (const [name, value] of Object.entries(spec)) {
    for (const v of Array.isArray(value) ? value : [value]) lines.push(name, v.replaceAll('$ORIGIN', origin));
  }
  return lines;
}

function api(hits: CorsServers['hits']): http.RequestListener {
  const actualHits = new Map<string, number>();
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://api.invalid');
    const origin = req.headers.origin ?? '';
    hits.push({ method: req.method ?? '', url: req.url ?? '', origin: req.headers.origin, cookie: req.headers.cookie !== undefined });
    if (hits.length > 10_000) hits.splice(0, 5_000);
    if (url.pathname === '/set-cookie') {
      res.writeHead(200, {
        'set-cookie': 'sid=cors-lens-test; Path=/; SameSite=None; Secure',
        'access-control-allow-origin': origin || '*',
        'access-control-allow-credentials': 'true',
        'content-type': 'text/plain',
      });
      res.end('cookie set');
      return;
    }
    const named = DEMO_ENDPOINTS.find((e) => e.path === url.pathname);
    const q = named ? new URLSearchParams(named.query) : url.searchParams;
    for (const [k, v] of url.searchParams) if (!q.has(k)) q.set(k, v);
    const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
    // h2: the actual response's headers from the second request on (a preflight cached from the first one).
    const id = q.get('id') ?? '';
    const seen = preflight ? 0 : (actualHits.get(id) ?? 0);
    if (!preflight && id) actualHits.set(id, seen + 1);
    if (actualHits.size > 10_000) actualHits.clear();
    const spec = parseSpec(q.get(preflight ? 'p' : seen > 0 && q.has('h2') ? 'h2' : 'h'));
    const status = Number(q.get(preflight ? 'ps' : 's') ?? (preflight ? 204 : 200));
    const lines = headerLines(spec, origin);
    // Oversized and hostile responses for the reliability tests: a value of n bytes, n header lines.
    const big = Number(q.get('big') ?? 0);
    if (big > 0) lines.push('x-big', 'b'.repeat(Math.min(big, 200_000)));
    const bigOrigin = Number(q.get('bigacao') ?? 0);
    if (bigOrigin > 0) lines.push('access-control-allow-origin', `http://${'o'.repeat(Math.min(bigOrigin, 200_000))}.example`);
    const allowHeaders = Number(q.get('pbig') ?? 0);
    if (preflight && allowHeaders > 0) lines.push('access-control-allow-headers', `x-${'h'.repeat(Math.min(allowHeaders, 200_000))}`);
    const many = Number(q.get('many') ?? 0);
    for (let i = 0; i < Math.min(many, 2000); i++) lines.push(`x-many-${i}`, String(i));
    if (q.get('wwwauth') === '1') lines.push('www-authenticate', `Bearer realm="api", token="${SERVER_SECRET}"`);
    const wide = Number(q.get('wide') ?? 0);
    for (let i = 0; i < Math.min(wide, 120); i++) lines.push(`x-wide-${i}`, `${i}`.padEnd(2000, 'w'));
    // A chain of redirects to itself, each carrying the same headers, before the answer.
    const hops = Number(q.get('hops') ?? 0);
    if (!preflight && hops > 0) {
      const next = new URL(req.url ?? '/', 'http://api.invalid');
      next.searchParams.set('hops', String(Math.min(hops, 25) - 1));
      res.writeHead(302, [...lines, 'location', `${next.pathname}${next.search}`, 'cache-control', 'no-store']);
      res.end();
      return;
    }
    const location = q.get(preflight ? 'ploc' : 'loc');
    if (location) lines.push('location', location);
    if (preflight) {
      res.writeHead(status, lines);
      res.end();
      return;
    }
    if (q.get('sse') === '1') {
      res.writeHead(status, [...lines, 'content-type', 'text/event-stream', 'cache-control', 'no-store']);
      res.write('data: hello\n\n');
      setTimeout(() => res.end(), 50);
      return;
    }
    res.writeHead(status, [...lines, 'content-type', q.get('ct') ?? 'application/json', 'cache-control', 'no-store']);
    res.end(q.get('ct') ? '' : JSON.stringify({ ok: true, path: url.pathname }));
  };
}

function page(apiPort: number): http.RequestListener {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://page.invalid');
    if (url.pathname === '/' || url.pathname === '/demo') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(demoPage(apiPort));
      return;
    }
    const target = url.searchParams.get('target') ?? '';
    const credentials = url.searchParams.get('creds') === 'include' ? 'include' : 'same-origin';
    // The body is read before reporting, so the request is complete when the worker or frame goes away.
    const call = `fetch(${JSON.stringify(target)}, { credentials: ${JSON.stringify(credentials)} }).then((r) => r.text().then(() => 'ok'), () => 'failed')`;
    if (url.pathname === '/worker.js') {
      res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' });
      res.end(`${call}.then((r) => postMessage(r));`);
      return;
    }
    if (url.pathname === '/shared-worker.js') {
      res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' });
      res.end(`onconnect = (e) => { const port = e.ports[0]; ${call}.then((r) => port.postMessage(r)); };`);
      return;
    }
    if (url.pathname === '/frame') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(`<!doctype html><title>frame</title><script>${call}.then((r) => parent.postMessage({ frameDone: r }, '*'));</script>`);
      return;
    }
    if (url.pathname === '/redirect') {
      res.writeHead(Number(url.searchParams.get('status') ?? 302), { location: target, 'cache-control': 'no-store' });
      res.end();
      return;
    }
    if (url.pathname === '/realistic') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      const apiOrigin = url.searchParams.get('api') ?? '';
      res.end(
        realisticPage(
          /^https?:\/\/[\w.-]+:\d+$/.test(apiOrigin) ? apiOrigin : `http://127.0.0.1:${apiPort}`,
          url.searchParams.get('tag') ?? 'r',
        ),
      );
      return;
    }
    if (url.pathname.startsWith('/static/')) {
      const ext = url.pathname.slice(url.pathname.lastIndexOf('.') + 1);
      const type = { js: 'text/javascript', css: 'text/css', png: 'image/png' }[ext] ?? 'text/plain';
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(ext === 'png' ? PNG_1x1 : ext === 'js' ? 'window.loadedScripts = (window.loadedScripts || 0) + 1;' : 'body { margin: 0 }');
      return;
    }
    if (url.pathname === '/same-origin') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end('{"same":"origin"}');
      return;
    }
    // A blank page for tests; its title says which page of the test it is.
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(`<!doctype html><title>${url.pathname.replace(/[^a-z0-9/-]/gi, '')}</title><body>test page</body>`);
  };
}

export async function startServers(options: { pagePort?: number; apiPort?: number } = {}): Promise<CorsServers> {
  const hits: CorsServers['hits'] = [];
  const apiHandler = api(hits);
  const apiSide = await listenOnLoopback(() => http.createServer(apiHandler), options.apiPort ?? 0);
  const pageHandler = page(apiSide.port);
  const pageSide = await listenOnLoopback(() => http.createServer(pageHandler), options.pagePort ?? 0);
  const all = [...apiSide.servers, ...pageSide.servers];
  return {
    pageOrigin: `http://localhost:${pageSide.port}`,
    crossSite: `http://127.0.0.1:${apiSide.port}`,
    sameSite: `http://localhost:${apiSide.port}`,
    pagePort: pageSide.port,
    apiPort: apiSide.port,
    hits,
    close: async () => {
      for (const s of all) s.closeAllConnections();
      await Promise.all(all.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}
