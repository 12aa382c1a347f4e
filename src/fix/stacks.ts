/**
 * Server-side fixes, one generator per stack, each written from the same Requirements. Facts and traps per stack:
 * expressjs/cors README and lib/index.js, nginx ngx_http_headers_module (add_header ... always), and the Fetch
 * standard for the raw headers. Every snippet uses an allowlist, sends Vary: Origin, and covers OPTIONS and errors.
 */
import type { Problem, Requirements } from './requirements.ts';

export type StackId = 'headers' | 'express' | 'nginx';

export interface ServerFix {
  readonly stack: StackId;
  readonly label: string;
  /** Language for display (and the file a user would paste it into). */
  readonly language: 'http' | 'javascript' | 'nginx';
  /** Where the snippet goes. */
  readonly where: string;
  readonly code: string;
  /** Traps specific to this stack and this failure. */
  readonly notes: readonly string[];
}

/** Methods to list in Access-Control-Allow-Methods: the safelisted ones servers usually serve, plus what the request needs. */
function methodList(r: Requirements): string[] {
  return [...new Set(['GET', 'HEAD', 'POST', ...r.methods])];
}

/** Header names as servers usually write them (Content-Type), keeping unknown names as sent. */
function headerList(r: Requirements): string[] {
  return r.headers.map((h) => (h === 'content-type' ? 'Content-Type' : h === 'authorization' ? 'Authorization' : h));
}

const PREFLIGHT_MAX_AGE = 600;

function commonNotes(r: Requirements, stackNotes: Partial<Record<Problem, string>>): string[] {
  const notes: string[] = [];
  for (const p of r.problems) {
    const note = stackNotes[p] ?? GENERIC_NOTES[p];
    if (note) notes.push(note);
  }
  return notes;
}

const GENERIC_NOTES: Record<Problem, string> = {
  'duplicate-header':
    'Only one layer may send Access-Control-Allow-Origin. If both the application and a proxy or CDN add it, remove it from one of them.',
  'error-without-headers': 'The headers must be on error responses (4xx/5xx) too, or the browser hides the real error behind a CORS error.',
  'options-rejected':
    'OPTIONS must be answered with 2xx before authentication or CSRF checks run: preflights never carry cookies or tokens.',
  redirect:
    'Headers cannot fix this redirect: the browser will not follow it. Point the page at the final URL (scheme, host and trailing slash exactly as served).',
  'lowercase-method':
    'fetch sends this method in the case the page wrote it. Prefer changing the page to the upper-case method name; until then the server must allow it in the same case.',
};

function rawHeaders(r: Requirements): ServerFix {
  const lines = (extra: string[]) =>
    [
      `Access-Control-Allow-Origin: ${r.origin}`,
      ...(r.credentials ? ['Access-Control-Allow-Credentials: true'] : []),
      ...extra,
      'Vary: Origin',
    ].join('\n');
  const preflight = r.preflight
    ? `# Response to the OPTIONS preflight: status 204, before any authentication\n${lines([
        `Access-Control-Allow-Methods: ${methodList(r).join(', ')}`,
        ...(r.headers.length > 0 ? [`Access-Control-Allow-Headers: ${headerList(r).join(', ')}`] : []),
        `Access-Control-Max-Age: ${PREFLIGHT_MAX_AGE}`,
      ])}\n\n`
    : '';
  return {
    stack: 'headers',
    label: 'HTTP headers',
    language: 'http',
    where: 'Whatever produces the response: send these only when the request Origin is in your allowlist.',
    code: `${preflight}# On every response to ${r.path} (errors included), when Origin is ${r.origin}\n${lines([])}`,
    notes: [
      'Compare the request Origin with an allowlist and send back the matching origin; never reflect any Origin when credentials are allowed.',
      ...commonNotes(r, {}),
    ],
  };
}

function express(r: Requirements): ServerFix {
  const options = [
    `  origin: ${JSON.stringify([r.origin])}, // allowlist: exact origins, no trailing slash`,
    ...(r.credentials ? ['  credentials: true, // Access-Control-Allow-Credentials: true'] : []),
    ...(r.preflight ? [`  methods: ${JSON.stringify(methodList(r))},`] : []),
    ...(r.headers.length > 0 ? [`  allowedHeaders: ${JSON.stringify(headerList(r))},`] : []),
    ...(r.preflight ? [`  maxAge: ${PREFLIGHT_MAX_AGE},`] : []),
  ];
  return {
    stack: 'express',
    label: 'Express (cors)',
    language: 'javascript',
    where: 'Your Express app, before the routes and before any authentication middleware. npm install cors',
    code: [
      "import cors from 'cors';",
      '',
      '// With an array, cors() answers only listed origins, echoes the matching one and adds Vary: Origin.',
      'app.use(cors({',
      ...options,
      '}));',
    ].join('\n'),
    notes: [
      ...(r.credentials ? ["cors() defaults to origin '*', which browsers reject with credentials: keep the explicit list."] : []),
      'app.use(cors(...)) also answers OPTIONS preflights with 204. Mounted on a single route instead, add app.options(path, cors(...)) too.',
      ...commonNotes(r, {
        'error-without-headers':
          'Register cors() before everything else, so the headers are already set when an error handler sends a 4xx/5xx.',
        'options-rejected': 'Put app.use(cors(...)) above your auth middleware so OPTIONS is answered before authentication.',
      }),
    ],
  };
}

function nginx(r: Requirements): ServerFix {
  const common = [
    '        add_header Access-Control-Allow-Origin $cors_origin always;',
    ...(r.credentials ? ['        add_header Access-Control-Allow-Credentials true always;'] : []),
    '        add_header Vary Origin always;',
  ];
  const options = r.preflight
    ? [
        '        if ($request_method = OPTIONS) {',
        ...common.map((l) => `    ${l}`),
        `            add_header Access-Control-Allow-Methods "${methodList(r).join(', ')}" always;`,
        ...(r.headers.length > 0 ? [`            add_header Access-Control-Allow-Headers "${headerList(r).join(', ')}" always;`] : []),
        `            add_header Access-Control-Max-Age ${PREFLIGHT_MAX_AGE} always;`,
        '            return 204;',
        '        }',
      ]
    : [];
  return {
    stack: 'nginx',
    label: 'nginx',
    language: 'nginx',
    where: 'nginx.conf: the map in the http block, the rest in the location that serves the API.',
    code: [
      '# http { ... }: allowlist. $cors_origin is empty (no header sent) for other origins.',
      'map $http_origin $cors_origin {',
      '    default "";',
      `    "${r.origin}" $http_origin;`,
      '}',
      '',
      'server {',
      `    location ${r.path} {`,
      ...options,
      ...common,
      '        # proxy_pass / root as before',
      '    }',
      '}',
    ].join('\n'),
    notes: [
      '"always" makes nginx add the headers to error responses too; without it they appear only on 2xx/3xx.',
      'add_header inside if or a nested location drops every add_header inherited from outer blocks: keep them together as above.',
      ...commonNotes(r, {
        'duplicate-header':
          'If the upstream application also sends Access-Control-Allow-Origin, hide it: proxy_hide_header Access-Control-Allow-Origin; (and the other Access-Control-* headers).',
      }),
    ],
  };
}

export const STACKS: Record<StackId, { readonly label: string; readonly generate: (r: Requirements) => ServerFix }> = {
  headers: { label: 'HTTP headers', generate: rawHeaders },
  express: { label: 'Express (cors)', generate: express },
  nginx: { label: 'nginx', generate: nginx },
};

export const STACK_IDS = Object.keys(STACKS) as StackId[];
