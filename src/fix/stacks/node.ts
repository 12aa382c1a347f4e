/**
 * Node.js frameworks. Facts: expressjs/cors lib/index.js (an origin list echoes the matching origin and adds Vary:
 * Origin; default origin '*'), fastify/fastify-cors index.js (onRequest hook, replies to preflights itself, Vary for
 * a non-string origin), koajs/cors index.js (Vary always; with credentials and no origin it echoes any origin;
 * keepHeadersOnError), honojs/hono src/middleware/cors (Vary for an explicit origin; error responses keep the headers
 * set before next()). Node's HTTP parser (llhttp) rejects method names with lower-case letters with 400 before any
 * JavaScript runs, which no CORS option can change.
 */
import type { Requirements } from '../requirements.ts';
import {
  headerList,
  lines,
  methodList,
  PREFLIGHT_MAX_AGE,
  problemNotes,
  type ServerFix,
  type Stack,
  sqs,
  uppercaseOnly,
} from './common.ts';

const NODE_PARSER =
  "Node's HTTP parser answers a method name with lower-case letters with 400 Bad Request, without CORS headers, before any middleware runs";

/** The options our Express snippet passes to cors(), as data: the snippet prints exactly this object. */
export interface ExpressCorsOptions {
  origin: string[];
  credentials?: true;
  methods?: string[];
  allowedHeaders?: string[];
  maxAge?: number;
}

export function expressCorsOptions(r: Requirements): ExpressCorsOptions {
  return {
    origin: [r.origin],
    ...(r.credentials ? { credentials: true as const } : {}),
    ...(r.preflight ? { methods: methodList(r, { upper: true }) } : {}),
    ...(r.headers.length > 0 ? { allowedHeaders: headerList(r) } : {}),
    ...(r.preflight ? { maxAge: PREFLIGHT_MAX_AGE } : {}),
  };
}

const EXPRESS_COMMENTS: Partial<Record<keyof ExpressCorsOptions, string>> = {
  origin: 'allowlist: exact origins, no trailing slash',
  credentials: 'Access-Control-Allow-Credentials: true',
};

function express(r: Requirements): ServerFix {
  const options = expressCorsOptions(r);
  return {
    stack: 'express',
    label: STACKS_NODE.express.label,
    language: 'javascript',
    where:
      'Your Express app, before the routes and before any authentication middleware (npm install cors). It replaces any cors import and app.use(cors(...)) you have: delete those.',
    code: lines(
      "import cors from 'cors';",
      '',
      '// With an array, cors() answers only listed origins, echoes the matching one and adds Vary: Origin.',
      'app.use(cors({',
      ...Object.entries(options).map(([key, value]) => {
        const comment = EXPRESS_COMMENTS[key as keyof ExpressCorsOptions];
        return `  ${key}: ${JSON.stringify(value)},${comment ? ` // ${comment}` : ''}`;
      }),
      '}));',
    ),
    notes: [
      ...(r.credentials ? ["cors() defaults to origin '*', which browsers reject with credentials: keep the explicit list."] : []),
      'app.use(cors(...)) also answers OPTIONS preflights with 204. Mounted on a single route instead, add app.options(path, cors(...)) too.',
      ...problemNotes(r, {
        'error-without-headers':
          'Register cors() before everything else, so the headers are already set when an error handler sends a 4xx/5xx.',
        'options-rejected': 'Put app.use(cors(...)) above your auth middleware so OPTIONS is answered before authentication.',
        'lowercase-method': uppercaseOnly(r, NODE_PARSER),
      }),
    ],
  };
}

function fastify(r: Requirements): ServerFix {
  return {
    stack: 'fastify',
    label: STACKS_NODE.fastify.label,
    language: 'javascript',
    where:
      'Your Fastify app, registered before your routes and authentication hooks (npm install @fastify/cors). It replaces any @fastify/cors import and register(cors, ...) you have: delete those.',
    code: lines(
      "import cors from '@fastify/cors';",
      '',
      '// With a list, @fastify/cors answers only listed origins, echoes the matching one and adds Vary: Origin.',
      'await fastify.register(cors, {',
      `  origin: [${sqs([r.origin])}], // allowlist: exact origins, no trailing slash`,
      r.credentials && '  credentials: true,',
      r.preflight && `  methods: [${sqs(methodList(r, { upper: true }))}],`,
      r.headers.length > 0 && `  allowedHeaders: [${sqs(headerList(r))}],`,
      r.preflight && `  maxAge: ${PREFLIGHT_MAX_AGE},`,
      '});',
    ),
    notes: [
      ...(r.credentials ? ["@fastify/cors defaults to origin '*', which browsers reject with credentials: keep the explicit list."] : []),
      'It answers preflights (204) in its onRequest hook, before route handlers. The headers are set there too, so Fastify error responses keep them.',
      ...problemNotes(r, {
        'options-rejected':
          'Hooks run in registration order: register @fastify/cors before any authentication hook or plugin, so OPTIONS is answered first.',
        'lowercase-method': uppercaseOnly(r, NODE_PARSER),
      }),
    ],
  };
}

function koa(r: Requirements): ServerFix {
  return {
    stack: 'koa',
    label: STACKS_NODE.koa.label,
    language: 'javascript',
    where:
      'Your Koa app: the first app.use, before routers and authentication (npm install @koa/cors). It replaces any @koa/cors import and app.use(cors(...)) you have: delete those.',
    code: lines(
      "import cors from '@koa/cors';",
      '',
      `const allowedOrigins = [${sqs([r.origin])}];`,
      '',
      '// @koa/cors adds Vary: Origin itself; an empty origin sends no CORS headers to other origins.',
      'app.use(cors({',
      "  origin: (ctx) => (allowedOrigins.includes(ctx.get('Origin')) ? ctx.get('Origin') : ''),",
      r.credentials && '  credentials: true,',
      r.preflight && `  allowMethods: [${sqs(methodList(r, { upper: true }))}],`,
      r.headers.length > 0 && `  allowHeaders: [${sqs(headerList(r))}],`,
      r.preflight && `  maxAge: ${PREFLIGHT_MAX_AGE},`,
      '}));',
    ),
    notes: [
      ...(r.credentials
        ? ['Without an origin option, @koa/cors with credentials: true echoes whatever Origin arrives: keep the allowlist function.']
        : []),
      'keepHeadersOnError (on by default) copies the CORS headers onto thrown errors, so error responses keep them.',
      ...problemNotes(r, {
        'options-rejected': 'Middleware runs in app.use order: put cors() above authentication so it answers OPTIONS (204) first.',
        'lowercase-method': uppercaseOnly(r, NODE_PARSER),
      }),
    ],
  };
}

function hono(r: Requirements): ServerFix {
  return {
    stack: 'hono',
    label: STACKS_NODE.hono.label,
    language: 'typescript',
    where:
      'Your Hono app, before the routes and any authentication middleware (app.use runs in order). It replaces any hono/cors import and app.use(cors(...)) you have: delete those.',
    code: lines(
      "import { cors } from 'hono/cors';",
      '',
      '// With a list, hono/cors answers only listed origins and adds Vary: Origin.',
      'app.use(',
      '  cors({',
      `    origin: [${sqs([r.origin])}], // allowlist: exact origins, no trailing slash`,
      r.credentials && '    credentials: true,',
      r.preflight && `    allowMethods: [${sqs(methodList(r, { upper: true }))}],`,
      r.headers.length > 0 && `    allowHeaders: [${sqs(headerList(r))}],`,
      r.preflight && `    maxAge: ${PREFLIGHT_MAX_AGE},`,
      '  }),',
      ');',
    ),
    notes: [
      ...(r.credentials ? ["hono/cors defaults to origin '*', which browsers reject with credentials: keep the explicit list."] : []),
      'It answers preflights itself (204). Headers set before your handlers run are kept on the responses app.onError makes.',
      ...problemNotes(r, {
        'options-rejected': 'Register cors() before authentication middleware, so OPTIONS is answered before any credentials are checked.',
        'lowercase-method': uppercaseOnly(
          r,
          "hono/cors lists methods as given, but on Node (@hono/node-server) the HTTP parser rejects a lower-case method name with 400 before Hono runs, and other runtimes' parsers may too",
        ),
      }),
    ],
  };
}

export const STACKS_NODE = {
  express: { label: 'Express (cors)', language: 'javascript', generate: express },
  fastify: { label: 'Fastify (@fastify/cors)', language: 'javascript', generate: fastify },
  koa: { label: 'Koa (@koa/cors)', language: 'javascript', generate: koa },
  hono: { label: 'Hono (hono/cors)', language: 'typescript', generate: hono },
} as const satisfies Record<string, Stack>;
