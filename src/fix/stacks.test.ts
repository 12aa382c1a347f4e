/**
 * The contract every stack's snippet keeps, checked on every stack for a table of failures. Expectations come from
 * the Requirements of each failure and from the libraries' documented spelling of their options,
 * never from what a generator printed: the exact origin through an allowlist, credentials only when the page sends
 * them, the exact method and request headers when preflighted, OPTIONS answered, Vary: Origin, and notes that point
 * at the trap behind this failure.
 */
import { describe, expect, test } from 'vitest';
import { API, type ExchangeSpec, exchange, PAGE } from '../../test-support/exchange.ts';
import { diagnose } from '../diagnose.ts';
import { expressCorsOptions, type ServerFix, STACK_IDS, STACKS, type StackId, suggestFixes } from './index.ts';
import { type Problem, type Requirements, requirementsFor } from './requirements.ts';

const ECHO = { 'access-control-allow-origin': PAGE };

/** How each library spells "allow credentials", from its documentation; 's3' sends it by itself for named origins. */
const CREDENTIALS: Record<StackId, RegExp | 'sent-by-the-service'> = {
  headers: /^Access-Control-Allow-Credentials: true$/m,
  express: /credentials: true/,
  fastify: /credentials: true/,
  koa: /credentials: true/,
  hono: /credentials: true/,
  nginx: /add_header Access-Control-Allow-Credentials true always;/,
  apache: /Header always set Access-Control-Allow-Credentials "true"/,
  caddy: /Access-Control-Allow-Credentials "true"/,
  django: /^CORS_ALLOW_CREDENTIALS = True$/m,
  flask: /supports_credentials=True/,
  fastapi: /allow_credentials=True/,
  spring: /setAllowCredentials\(true\)/,
  aspnet: /\.AllowCredentials\(\)/,
  go: /AllowCredentials:\s+true/,
  rails: /credentials: true/,
  cloudflare: /'Access-Control-Allow-Credentials': 'true'/,
  apigateway: /"AllowCredentials": true/,
  s3: 'sent-by-the-service',
};

/**
 * What a library allows when its list is left alone (django-cors-headers' corsheaders.defaults, from its README):
 * a snippet may rely on these, and must keep them when it adds to the list.
 */
const LIBRARY_DEFAULTS: Partial<Record<StackId, { methods: readonly string[]; headers: readonly string[] }>> = {
  django: {
    methods: ['DELETE', 'GET', 'OPTIONS', 'PATCH', 'POST', 'PUT'],
    headers: [
      'accept',
      'authorization',
      'content-type',
      'user-agent',
      'x-csrftoken',
      'x-requested-with',
      'accept-encoding',
      'dnt',
      'origin',
    ],
  },
};

/** Stacks whose library compares methods in lower case, and whose snippet writes them so. */
const LOWER_CASE_METHODS: ReadonlySet<StackId> = new Set(['rails']);

/** Stacks whose snippet writes the preflight answer itself (the others use a library or service that answers it). */
const HAND_WRITTEN: ReadonlySet<StackId> = new Set(['headers', 'nginx', 'apache', 'caddy', 'cloudflare']);

/** Configurations that echo any origin back (each library's documented trap): never in a snippet. */
const ECHO_ANY_ORIGIN = [
  /origin:\s*true/,
  /CORS_ALLOW_ALL_ORIGINS\s*=\s*True/,
  /AllowAnyOrigin\(/,
  /SetIsOriginAllowed\(/,
  /add_header Access-Control-Allow-Origin \$http_origin/,
  /%\{HTTP_ORIGIN\}/,
];

/** A line that names an origin and has a standalone * on it: a wildcard origin. */
const WILDCARD_ORIGIN_LINE = /origin.*(?:^|[\s:=("'[,])\*(?:$|[\s"',)\]])/i;

interface Scenario {
  readonly spec: ExchangeSpec;
  /** What the diagnosis must turn this into, so the table cannot silently test something else. */
  readonly problems: readonly Problem[];
  readonly credentials: boolean;
  readonly preflight: boolean;
}

const SCENARIOS: Record<string, Scenario> = {
  'credentialed fetch without Allow-Credentials': {
    spec: { credentials: 'include', response: { headers: ECHO } },
    problems: [],
    credentials: true,
    preflight: false,
  },
  'preflighted PUT with custom headers': {
    spec: {
      method: 'PUT',
      requestHeaders: { 'content-type': 'application/json', 'x-request-id': '1' },
      preflight: {
        requestHeaders: { 'access-control-request-headers': 'content-type,x-request-id' },
        headers: { ...ECHO, 'access-control-allow-methods': 'PUT' },
      },
    },
    problems: [],
    credentials: false,
    preflight: true,
  },
  'credentialed PUT whose preflight is refused (401)': {
    spec: {
      method: 'PUT',
      credentials: 'include',
      requestHeaders: { 'x-api-key': 'k' },
      preflight: {
        status: 401,
        requestHeaders: { 'access-control-request-headers': 'x-api-key' },
        headers: { ...ECHO, 'access-control-allow-credentials': 'true' },
      },
    },
    problems: ['error-without-headers', 'options-rejected'],
    credentials: true,
    preflight: true,
  },
  'lower-case method': {
    spec: { method: 'patch', preflight: { headers: ECHO } },
    problems: ['lowercase-method'],
    credentials: false,
    preflight: true,
  },
  'duplicate Allow-Origin': {
    spec: { response: { headers: { 'access-control-allow-origin': [PAGE, PAGE] } } },
    problems: ['duplicate-header'],
    credentials: false,
    preflight: false,
  },
  'missing Allow-Origin': { spec: { response: { headers: {} } }, problems: [], credentials: false, preflight: false },
  'error status without CORS headers': {
    spec: { response: { status: 500, headers: {} } },
    problems: ['error-without-headers'],
    credentials: false,
    preflight: false,
  },
  'preflight redirected': {
    spec: { method: 'PUT', preflight: { status: 301, headers: { ...ECHO, location: `${API}/` } } },
    problems: ['redirect'],
    credentials: false,
    preflight: true,
  },
};

function fixesFor(spec: ExchangeSpec): { r: Requirements; server: readonly ServerFix[] } {
  const ex = exchange(spec);
  const d = diagnose(ex);
  return { r: requirementsFor(ex, d), server: suggestFixes(ex, d).server };
}

/** What the notes of a fix must say for a problem: the trap, in the words any stack would have to use. */
function noteMentions(problem: Problem, r: Requirements): RegExp[] {
  switch (problem) {
    case 'duplicate-header':
      return [/Access-Control-Allow-Origin/, /one|two|duplicate|already/i];
    case 'error-without-headers':
      return [/error|4xx|5xx|500/i];
    case 'options-rejected':
      return [/OPTIONS|preflight/i];
    case 'redirect':
      return [/redirect/i];
    case 'lowercase-method':
      return [new RegExp(`'${r.methods[0]}'`), new RegExp(`'?${r.methods[0]?.toUpperCase()}'?`)];
  }
}

describe.each(Object.entries(SCENARIOS))('%s', (_name, scenario) => {
  const { r, server } = fixesFor(scenario.spec);

  test('the failure is the one this row is about', () => {
    expect(r.problems).toEqual(scenario.problems);
    expect(r.credentials).toBe(scenario.credentials);
    expect(r.preflight).toBe(scenario.preflight);
    expect(server.map((f) => f.stack)).toEqual(STACK_IDS);
  });

  test.each(STACK_IDS)('%s', (id) => {
    const f = server.find((s) => s.stack === id) as ServerFix;
    const notes = f.notes.join('\n');
    expect(f.label).toBe(STACKS[id].label);
    expect(f.language).toBe(STACKS[id].language);
    expect(f.where.length).toBeGreaterThan(10);

    // The page's origin, through an allowlist: never a wildcard, never an echo of whatever arrives.
    expect(f.code).toContain(r.origin);
    for (const line of f.code.split('\n')) expect(line, line).not.toMatch(WILDCARD_ORIGIN_LINE);
    for (const pattern of ECHO_ANY_ORIGIN) expect(f.code).not.toMatch(pattern);

    // Vary: Origin, written or relied on (and then said).
    expect(`${f.code}\n${notes}`).toMatch(/Vary/);

    // Credentials exactly when the page sends them.
    const spelling = CREDENTIALS[id];
    if (r.credentials) {
      if (spelling === 'sent-by-the-service') expect(notes).toMatch(/Access-Control-Allow-Credentials: true/);
      else expect(f.code).toMatch(spelling);
    } else if (spelling !== 'sent-by-the-service') {
      expect(f.code).not.toMatch(spelling);
    }

    // A preflighted request: its method and header names, and OPTIONS answered.
    if (r.preflight) {
      const defaults = LIBRARY_DEFAULTS[id];
      for (const header of r.headers) {
        if (!defaults?.headers.includes(header)) expect(f.code.toLowerCase()).toContain(header);
      }
      if (id === 'django') {
        for (const line of f.code.split('\n').filter((l) => /^CORS_ALLOW_(HEADERS|METHODS) =/.test(l))) {
          expect(line, 'library defaults kept').toMatch(/\(\*default_(headers|methods), /);
        }
      }
      for (const method of r.methods.filter((m) => !defaults?.methods.includes(m))) {
        const asSent = new RegExp(`\\b${LOWER_CASE_METHODS.has(id) ? method.toLowerCase() : method}\\b`).test(f.code);
        const upperWithPageFix =
          new RegExp(`\\b${method.toUpperCase()}\\b`).test(f.code) && /change the page/i.test(notes) && notes.includes(`'${method}'`);
        const impossibleSaid = notes.includes(`'${method}' cannot be allowed`);
        expect(asSent || upperWithPageFix || impossibleSaid, `${method} in ${id}`).toBe(true);
      }
      if (HAND_WRITTEN.has(id)) expect(f.code).toMatch(/OPTIONS/);
    }

    // The notes point at this failure's trap.
    for (const problem of r.problems) {
      for (const pattern of noteMentions(problem, r)) expect(notes, `${problem} note of ${id}`).toMatch(pattern);
    }
  });
});

describe('stack-specific traps', () => {
  test('a duplicate Allow-Origin from a proxy in front is removed the way each proxy does it', () => {
    const { server } = fixesFor(SCENARIOS['duplicate Allow-Origin']?.spec ?? {});
    const notes = (id: StackId) => server.find((f) => f.stack === id)?.notes.join(' ') ?? '';
    expect(notes('nginx')).toContain('proxy_hide_header Access-Control-Allow-Origin');
    expect(notes('caddy')).toContain('header_down -Access-Control-Allow-Origin');
    expect(notes('apache')).toContain('Header unset Access-Control-Allow-Origin');
  });

  test('a lower-case method: stacks that can only send upper case tell the page to change', () => {
    const { server } = fixesFor(SCENARIOS['lower-case method']?.spec ?? {});
    for (const f of server) {
      if (/\bpatch\b/.test(f.code)) continue;
      expect(f.notes.join(' '), f.stack).toMatch(/'patch' cannot be allowed/);
    }
    // Node's parser refuses lower-case methods before any middleware: none of the Node stacks can allow it as sent.
    for (const id of ['express', 'fastify', 'koa', 'hono'] as const) {
      expect(server.find((f) => f.stack === id)?.notes.join(' ')).toMatch(/400/);
    }
  });

  test('hostile-looking header names stay inside their string literals', () => {
    const { server } = fixesFor({
      method: 'PUT',
      preflight: { requestHeaders: { 'access-control-request-headers': "x-it's" }, headers: ECHO },
    });
    expect(server.find((f) => f.stack === 'rails')?.code).toContain("'x-it\\'s'");
    expect(server.find((f) => f.stack === 'fastify')?.code).toContain("'x-it\\'s'");
    expect(server.find((f) => f.stack === 'django')?.code).toContain('"x-it\'s"');
  });
});

describe('the Express options object', () => {
  test('is exactly what the snippet passes to cors(), derived from the requirements', () => {
    const { r, server } = fixesFor(SCENARIOS['credentialed PUT whose preflight is refused (401)']?.spec ?? {});
    const options = expressCorsOptions(r);
    expect(options).toEqual({
      origin: [r.origin],
      credentials: true,
      methods: ['GET', 'HEAD', 'POST', ...r.methods],
      allowedHeaders: r.headers,
      maxAge: expect.any(Number),
    });
    const code = server.find((f) => f.stack === 'express')?.code ?? '';
    for (const [key, value] of Object.entries(options)) expect(code).toContain(`${key}: ${JSON.stringify(value)},`);
  });

  test('a simple request without credentials gets only the allowlist', () => {
    const { r } = fixesFor(SCENARIOS['missing Allow-Origin']?.spec ?? {});
    expect(expressCorsOptions(r)).toEqual({ origin: [PAGE] });
  });
});

describe('snippets that merge into the configuration a user already has', () => {
  const { server } = fixesFor(SCENARIOS['credentialed PUT whose preflight is refused (401)']?.spec ?? {});
  const fix = (id: StackId) => server.find((f) => f.stack === id) as ServerFix;

  test('nginx: one location for the API prefix of the failing URL, the exact path as a note', () => {
    expect(new URL(API).pathname).toBe('/v1/items');
    expect(fix('nginx').code).toMatch(/^location \/v1\/ \{$/m);
    expect(fix('nginx').notes.join(' ')).toContain('location = /v1/items');
    expect(fix('nginx').where).toMatch(/delete its add_header Access-Control-\* lines/);
  });

  test('Apache: every header it sets is first unset in both tables, and it goes last in the virtual host', () => {
    const code = fix('apache').code;
    for (const name of ['Access-Control-Allow-Origin', 'Access-Control-Allow-Credentials', 'Access-Control-Allow-Headers']) {
      const set = code.indexOf(`Header always set ${name} `);
      expect(set, name).toBeGreaterThan(0);
      expect(code.indexOf(`Header unset ${name}\n`), name).toBeGreaterThan(0);
      expect(code.indexOf(`Header unset ${name}\n`)).toBeLessThan(set);
      expect(code.indexOf(`Header always unset ${name}\n`)).toBeLessThan(set);
    }
    expect(fix('apache').where).toMatch(/end of the <VirtualHost>/);
  });

  test('Caddy: tells the user to delete the header lines it replaces', () => {
    expect(fix('caddy').where).toMatch(/Delete the header lines for Access-Control-\*/);
  });

  test('Django: pasted at the end of settings.py, keeps the library defaults, says exactly what CSRF needs', () => {
    const { code, notes, where } = fix('django');
    expect(where).toMatch(/end of settings\.py/);
    expect(code).toContain('CORS_ALLOW_HEADERS = (*default_headers, "x-api-key")');
    // PUT is among django-cors-headers' default methods: the list is left alone.
    expect(code).not.toContain('CORS_ALLOW_METHODS');
    expect(code).toContain('CORS_ALLOW_ALL_ORIGINS = False');
    expect(code).toMatch(/MIDDLEWARE = \[\n {4}"corsheaders\.middleware\.CorsMiddleware",\n {4}\*\(m for m in MIDDLEWARE/);
    expect(code).toContain('CSRF_TRUSTED_ORIGINS = ["https://app.example"]');
    const said = notes.join(' ');
    for (const need of ['X-CSRFToken', 'get_token', 'CSRF_TRUSTED_ORIGINS', 'CSRF_COOKIE_SAMESITE']) expect(said).toContain(need);
  });

  test('Go: a complete file that defines withCORS, no second handler :=', () => {
    const { code, where } = fix('go');
    expect(code.startsWith('package main\n')).toBe(true);
    expect(code).toContain('func withCORS(h http.Handler) http.Handler {');
    expect(code).not.toContain(':=');
    expect(where).toMatch(/withCORS\(yourHandler\)/);
  });

  test("Flask answers preflights before the user's before_request handlers; FastAPI and Express say what they replace", () => {
    expect(fix('flask').code).toContain('return app.make_default_options_response()');
    expect(fix('flask').where).toMatch(/delete those/);
    expect(fix('fastapi').where).toMatch(/delete that one/);
    expect(fix('express').where).toMatch(/delete those/);
  });

  test('no placeholders where a complete snippet is possible', () => {
    for (const f of server) {
      if (f.stack === 'nginx' || f.stack === 'cloudflare') continue; // their notes name what stays the user's own
      expect(f.code, f.stack).not.toMatch(/^\s*(#|\/\/) \.\.\.\s*$/m);
    }
  });

  test('comments claim Vary only where the library sends it', () => {
    expect(fix('fastapi').code).toMatch(/Vary: Origin on their responses/);
    expect(fix('fastapi').code).not.toMatch(/every response/);
    expect(fix('rails').notes.join(' ')).toMatch(/preflights itself \(200, without Vary/);
  });
});
