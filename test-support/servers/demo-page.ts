/**
 * The demo app for `npm start`: a page whose buttons call an API on another origin, reproducing the seed failure
 * (a credentialed request without Access-Control-Allow-Credentials: true) and its neighbours, plus requests that
 * pass. The page runs every call once on load, so the demo shows failures without anyone clicking.
 */

export interface DemoEndpoint {
  readonly path: string;
  /** Query string describing the response (see cors-server.ts). */
  readonly query: string;
  readonly label: string;
  readonly api: 'fetch' | 'xhr' | 'eventsource';
  readonly credentials: boolean;
  readonly method?: string;
  readonly headers?: Record<string, string>;
}

const q = (spec: Record<string, unknown>) =>
  Object.entries(spec)
    .map(([k, v]) => `${k}=${encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v))}`)
    .join('&');

const ECHO = { 'access-control-allow-origin': '$ORIGIN' };

export const DEMO_ENDPOINTS: readonly DemoEndpoint[] = [
  {
    path: '/api/profile',
    query: q({ h: ECHO }),
    label: 'Seed: fetch with credentials, no Access-Control-Allow-Credentials',
    api: 'fetch',
    credentials: true,
  },
  {
    path: '/api/cart',
    query: q({ h: { ...ECHO, 'access-control-allow-credentials': 'TRUE' } }),
    label: "XHR withCredentials, Allow-Credentials 'TRUE'",
    api: 'xhr',
    credentials: true,
  },
  {
    path: '/api/events',
    query: q({ h: { ...ECHO, 'access-control-allow-credentials': 'false' }, sse: '1' }),
    label: "EventSource withCredentials, Allow-Credentials 'false'",
    api: 'eventsource',
    credentials: true,
  },
  {
    path: '/api/feed',
    query: q({ h: { 'access-control-allow-origin': '*' } }),
    label: "Credentials with Allow-Origin '*'",
    api: 'fetch',
    credentials: true,
  },
  { path: '/api/search', query: q({ h: {} }), label: 'No Access-Control-Allow-Origin', api: 'fetch', credentials: false },
  {
    path: '/api/settings',
    query: q({ h: { 'access-control-allow-origin': 'https://app.example.com' } }),
    label: 'Allow-Origin for another site',
    api: 'fetch',
    credentials: false,
  },
  {
    path: '/api/orders',
    query: q({ p: { ...ECHO, 'access-control-allow-methods': 'GET, POST' }, h: ECHO }),
    label: 'PUT with a custom header, preflight allows neither',
    api: 'fetch',
    credentials: false,
    method: 'PUT',
    headers: { 'content-type': 'application/json', 'x-request-id': 'demo-1' },
  },
  {
    path: '/api/admin',
    query: q({ p: {}, ps: '401', h: ECHO }),
    label: 'Preflight rejected by authentication (401)',
    api: 'fetch',
    credentials: false,
    method: 'DELETE',
  },
  { path: '/api/report', query: q({ h: {}, s: '500' }), label: 'Server error without CORS headers', api: 'fetch', credentials: false },
  {
    path: '/api/public',
    query: q({ h: { 'access-control-allow-origin': '*' } }),
    label: 'Passes: public data with *',
    api: 'fetch',
    credentials: false,
  },
  {
    path: '/api/me',
    query: q({ h: { ...ECHO, 'access-control-allow-credentials': 'true', vary: 'Origin' } }),
    label: 'Passes: credentials allowed for this origin',
    api: 'fetch',
    credentials: true,
  },
];

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The demo page's HTML. The API base is the cross-site origin (127.0.0.1) of the API port. */
export function demoPage(apiPort: number): string {
  const base = `http://127.0.0.1:${apiPort}`;
  const buttons = DEMO_ENDPOINTS.map(
    (e, i) => `<li><button data-i="${i}">${escapeHtml(e.label)}</button> <span id="r${i}"></span></li>`,
  ).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>CORS Lens demo</title>
<style>body{font:14px system-ui;margin:2em;max-width:60em}li{margin:.3em 0}span{color:#555}</style></head>
<body>
<h1>CORS Lens demo</h1>
<p>This page (<code id="origin"></code>) calls an API at <code>${base}</code>. Open DevTools and the <b>CORS</b> panel
to see why each failing call is blocked and how to fix it. Every call ran once when the page loaded; click to run it again.</p>
<ul>${buttons}</ul>
<script>
const base = ${JSON.stringify(base)};
const endpoints = ${JSON.stringify(DEMO_ENDPOINTS)};
document.getElementById('origin').textContent = location.origin;
function call(e) {
  const url = base + e.path + '?t=' + Date.now() + Math.random().toString(36).slice(2, 6);
  if (e.api === 'xhr') return new Promise((resolve) => {
    const x = new XMLHttpRequest(); x.open(e.method || 'GET', url); x.withCredentials = e.credentials;
    x.onload = () => resolve('ok ' + x.status); x.onerror = () => resolve('failed'); x.send();
  });
  if (e.api === 'eventsource') return new Promise((resolve) => {
    const s = new EventSource(url, { withCredentials: e.credentials });
    s.onmessage = () => { s.close(); resolve('ok'); }; s.onerror = () => { s.close(); resolve('failed'); };
  });
  return fetch(url, { method: e.method || 'GET', credentials: e.credentials ? 'include' : 'same-origin', headers: e.headers || {} })
    .then((r) => 'ok ' + r.status, () => 'failed');
}
async function run(i) { document.getElementById('r' + i).textContent = '…'; document.getElementById('r' + i).textContent = await call(endpoints[i]); }
document.querySelectorAll('button').forEach((b) => b.onclick = () => run(Number(b.dataset.i)));
window.demoDone = Promise.all(endpoints.map((_, i) => run(i)));
</script>
</body></html>`;
}
