/**
 * What every proof server is: the same small API, written in each stack's own way, that a user would have before
 * pasting a snippet. Its routes reproduce the failures the scenarios capture (see scenarios.ts):
 *
 *   /api/items     GET, HEAD, POST, PUT: 200 {"ok": true}
 *   /api/private   401 unless the request carries x-api-key: secret; an authentication layer that rejects
 *                  preflights too (they never carry the key)
 *   /api/boom      an unhandled error: the stack's own 500
 *   /api/put-only  PUT only: OPTIONS gets whatever the stack does for an unrouted method (404 or 405)
 *   anything else  the stack's own 404
 *
 * A stack driver writes that API as a user would (`bare`: no CORS at all; `wrong`: the CORS configuration users
 * commonly have, which sends `*`), merges the snippet into it the way the snippet's `where` and notes say, runs the
 * stack's validator on the result and starts the real server.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServerFix, StackId } from '../../src/fix/index.ts';

export const API_KEY = 'secret';

export interface AppPlan {
  /** Unique among the apps of a run, [a-z0-9-]. */
  readonly key: string;
  readonly variant: 'bare' | 'wrong';
  /** The snippet to merge; null for the controls (the server as the user has it). */
  readonly fix: ServerFix | null;
}

export interface Launched {
  /** Origin (http://127.0.0.1:port) of each app, by key. */
  readonly origins: ReadonlyMap<string, string>;
  close(): Promise<void>;
}

export interface Driver {
  readonly stack: StackId;
  /** What runs, with versions ("nginx 1.22.1"); rejects with MissingTool when something is not installed. */
  versions(): Promise<string>;
  /** Writes every app under `dir`, validates each with the stack's own checker, and starts them. */
  launch(apps: readonly AppPlan[], dir: string, upstream: string): Promise<Launched>;
}

/** The snippet's lines without those matching `drop` (what the notes tell a user to delete). */
export const withoutLines = (text: string, drop: RegExp): string =>
  text
    .split('\n')
    .filter((l) => !drop.test(l))
    .join('\n');

/** Indents every non-empty line. */
export const indent = (text: string, by: string): string =>
  text
    .split('\n')
    .map((l) => (l === '' ? l : by + l))
    .join('\n');

/** The API in Node, behind the proxies (nginx, Apache, Caddy): the application a proxy's snippet is pasted in front of. */
export async function startUpstream(): Promise<{ origin: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://upstream.invalid');
    const send = (status: number, body = '') => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(body || JSON.stringify({ ok: status < 400 }));
    };
    req.resume();
    if (url.pathname === '/api/private' && req.headers['x-api-key'] !== API_KEY) return send(401);
    if (url.pathname === '/api/boom') return send(500);
    if (url.pathname === '/api/put-only') return req.method === 'PUT' ? send(200) : send(405);
    if (url.pathname === '/api/items' || url.pathname === '/api/private') return send(200);
    send(404);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
