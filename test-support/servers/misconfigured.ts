/**
 * An API server with one route per common CORS mistake, each configured the way people write it (the `cors`
 * package's options, a hand-written origin check, an nginx-style echo), and a correct allowlist beside them. The
 * audit tests plant one mistake per route and require the audit to find exactly it; the correct routes must come out
 * clean. ALLOWED is the page origin the routes are written for.
 */
import cors from 'cors';
import express from 'express';
import type { FindingKind } from '../../src/audit/findings.ts';
import { type Served, serveHttp } from './loopback.ts';

export const ALLOWED = 'https://app.example.com';

type Check = (origin: string) => boolean;

export interface Mistake {
  readonly path: string;
  readonly description: string;
  /** What the audit must report, exactly (empty for the correct setups). */
  readonly planted: readonly FindingKind[];
}

/** The routes, with what each plants. */
/** What a server that lets every origin in plants, besides the echo itself. */
const EVERY_PROBE: readonly FindingKind[] = [
  'null-allowed',
  'suffix-match',
  'prefix-match',
  'insecure-origin-allowed',
  'subdomain-allowed',
];

export const MISTAKES: readonly Mistake[] = [
  {
    path: '/reflect-credentials',
    description: "cors({ origin: true, credentials: true }): echoes every Origin, 'null' included, with credentials",
    planted: ['credentials-with-reflected-origin', ...EVERY_PROBE],
  },
  {
    path: '/nginx-echo',
    description: 'add_header Access-Control-Allow-Origin $http_origin, Allow-Credentials true, no Vary',
    planted: ['credentials-with-reflected-origin', ...EVERY_PROBE, 'missing-vary'],
  },
  {
    path: '/reflect-public',
    description: 'cors({ origin: true }): echoes every origin, no credentials',
    planted: ['reflects-any-origin', ...EVERY_PROBE],
  },
  { path: '/null-allowlist', description: "an allowlist with 'null' added for local files, credentials", planted: ['null-allowed'] },
  { path: '/starts-with', description: 'origin.startsWith(ALLOWED), credentials', planted: ['suffix-match'] },
  {
    path: '/ends-with',
    description: "origin.endsWith('example.com'), credentials",
    planted: ['prefix-match', 'insecure-origin-allowed', 'subdomain-allowed'],
  },
  {
    path: '/any-scheme',
    description: "the host compared, not the scheme: new URL(origin).host === 'app.example.com'",
    planted: ['insecure-origin-allowed'],
  },
  { path: '/allowlist-no-vary', description: 'a hand-written allowlist that forgets Vary: Origin', planted: ['missing-vary'] },
  { path: '/correct', description: 'cors({ origin: [ALLOWED], credentials: true }): an allowlist', planted: [] },
  { path: '/correct-handwritten', description: 'a hand-written allowlist with Vary: Origin on every answer', planted: [] },
  { path: '/public', description: 'Access-Control-Allow-Origin: * for everyone, no credentials', planted: [] },
];

/** A hand-written origin check that echoes the origin it accepts; `vary` adds Vary: Origin to every answer. */
function handwritten(accept: Check, vary: boolean): express.RequestHandler {
  return (req, res, next) => {
    const origin = req.header('origin');
    if (vary) res.setHeader('Vary', 'Origin');
    if (origin !== undefined && accept(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
    }
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'GET, PUT');
      res.setHeader('Access-Control-Allow-Headers', 'x-token');
      res.status(204).end();
      return;
    }
    next();
  };
}

const hostIs = (origin: string, host: string) => URL.canParse(origin) && new URL(origin).host === host;

export function misconfiguredApp(): express.Express {
  const app = express();
  app.use('/reflect-credentials', cors({ origin: true, credentials: true }));
  app.use(
    '/nginx-echo',
    handwritten(() => true, false),
  );
  app.use('/reflect-public', cors({ origin: true }));
  app.use('/null-allowlist', cors({ origin: [ALLOWED, 'null'], credentials: true }));
  app.use(
    '/starts-with',
    handwritten((o) => o.startsWith(ALLOWED), true),
  );
  app.use(
    '/ends-with',
    handwritten((o) => o.endsWith('example.com'), true),
  );
  app.use(
    '/any-scheme',
    handwritten((o) => hostIs(o, 'app.example.com'), true),
  );
  app.use(
    '/allowlist-no-vary',
    handwritten((o) => o === ALLOWED, false),
  );
  app.use('/correct', cors({ origin: [ALLOWED], credentials: true }));
  app.use(
    '/correct-handwritten',
    handwritten((o) => o === ALLOWED, true),
  );
  app.use('/public', cors());
  app.use((_req, res) => {
    res.json({ ok: true });
  });
  return app;
}

/** The app on a free loopback port. */
export function startMisconfigured(): Promise<Served> {
  return serveHttp(misconfiguredApp());
}
