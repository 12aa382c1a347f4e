/** Serving on loopback for the tests, the demo and the corpus recorder. */
import http from 'node:http';
import type { AddressInfo, Server } from 'node:net';

/**
 * Listens on 127.0.0.1 and ::1 so that "localhost" works whichever address the browser tries first. `create` makes
 * one server (http or raw net); port 0 picks a free port, then the IPv6 twin takes the same one.
 */
export async function listenOnLoopback<S extends Server>(create: () => S, port: number): Promise<{ port: number; servers: S[] }> {
  const first = create();
  await new Promise<void>((resolve, reject) => {
    first.once('error', reject);
    first.listen(port, '127.0.0.1', resolve);
  });
  const actual = (first.address() as AddressInfo).port;
  const servers = [first];
  const second = create();
  try {
    await new Promise<void>((resolve, reject) => {
      second.once('error', reject);
      second.listen(actual, '::1', resolve);
    });
    servers.push(second);
  } catch {
    // No IPv6 loopback on this machine: 127.0.0.1 is enough.
  }
  return { port: actual, servers };
}

export interface Served {
  /** http://127.0.0.1:<port> */
  readonly origin: string;
  /** Ends kept-alive connections too, so that closing never waits for a client's idle socket. */
  close(): Promise<void>;
}

/** An HTTP handler (an Express app, a plain function) on a free port of 127.0.0.1. */
export async function serveHttp(handler: http.RequestListener): Promise<Served> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
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
