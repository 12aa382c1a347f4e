/**
 * A real Express API standing in for the one that failed, to check a suggested fix in real Chromium: the cors()
 * middleware is configured with exactly the options our Express snippet prints (or with none, or with cors()'s
 * defaults, for the controls), mounted where the snippet says (before the routes and before authentication).
 *
 * The app answers like the failing API did, from the same query string: `s=<status>` of 500 or more makes the route
 * throw (Express's default error handler answers 500), and `auth=key` puts an authentication middleware in front of
 * the route that refuses any request without `x-api-key: secret`, preflights included (they never carry it).
 */
import cors, { type CorsOptions } from 'cors';
import express from 'express';
import { type Served, serveHttp } from './loopback.ts';

export const API_KEY = 'secret';

export type Replica = Served;

/** `null`: no CORS middleware at all; `'defaults'`: cors() with its defaults; otherwise cors(options). */
export async function startReplica(config: CorsOptions | 'defaults' | null): Promise<Replica> {
  const app = express();
  // finalhandler logs every error it answers unless the app runs in the 'test' environment.
  app.set('env', 'test');
  if (config === 'defaults') app.use(cors());
  else if (config) app.use(cors(config));
  app.use((req, res, next) => {
    if (req.query.auth === 'key' && req.get('x-api-key') !== API_KEY) {
      res.sendStatus(401);
      return;
    }
    next();
  });
  app.use((req, res) => {
    if (Number(req.query.s ?? 200) >= 500) throw new Error('the same failure as the original API');
    res.set('cache-control', 'no-store').json({ ok: true, method: req.method });
  });
  return serveHttp(app);
}
