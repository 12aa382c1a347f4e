/**
 * Python frameworks. Facts: adamchainz/django-cors-headers middleware.py (answers preflights in process_request,
 * Vary: Origin on every response, CORS_ALLOW_ALL_ORIGINS with credentials echoes the origin, methods listed as
 * given), corydolphin/flask-cors core.py (default origins echo any origin, methods upper-cased, Vary: Origin only for
 * several origins, after_request also runs for error responses), encode/starlette middleware/cors.py (explicit
 * origins get Vary: Origin, a refused preflight is a 400, methods compared as given; ServerErrorMiddleware sits
 * outside user middleware, so an unhandled exception's 500 has no CORS headers).
 */
import type { Requirements } from '../requirements.ts';
import {
  headerList,
  lines,
  methodList,
  PREFLIGHT_MAX_AGE,
  problemNotes,
  q,
  qs,
  type ServerFix,
  type Stack,
  uppercaseOnly,
} from './common.ts';

/** django-cors-headers' defaults (corsheaders.defaults), which a list of our own would replace. */
const DJANGO_DEFAULT_METHODS = ['DELETE', 'GET', 'OPTIONS', 'PATCH', 'POST', 'PUT'];
const DJANGO_DEFAULT_HEADERS = [
  'accept',
  'accept-encoding',
  'authorization',
  'content-type',
  'dnt',
  'origin',
  'user-agent',
  'x-csrftoken',
  'x-requested-with',
];

function django(r: Requirements): ServerFix {
  const extraMethods = r.methods.filter((m) => !DJANGO_DEFAULT_METHODS.includes(m));
  const extraHeaders = r.headers.filter((h) => !DJANGO_DEFAULT_HEADERS.includes(h));
  const unsafe = !['GET', 'HEAD', 'OPTIONS', 'TRACE'].includes(r.method.toUpperCase());
  const imports = [...(extraHeaders.length > 0 ? ['default_headers'] : []), ...(extraMethods.length > 0 ? ['default_methods'] : [])];
  return {
    stack: 'django',
    label: STACKS_PYTHON.django.label,
    language: 'python',
    where:
      'At the end of settings.py (pip install django-cors-headers): it replaces any CORS_ setting above it, and adds the app and the middleware only where they are missing.',
    code: lines(
      imports.length > 0 && `from corsheaders.defaults import ${imports.join(', ')}`,
      imports.length > 0 && '',
      'if "corsheaders" not in INSTALLED_APPS:',
      '    INSTALLED_APPS = [*INSTALLED_APPS, "corsheaders"]',
      '# CorsMiddleware first: above CommonMiddleware (redirects) and authentication, so it answers preflights.',
      'MIDDLEWARE = [',
      '    "corsheaders.middleware.CorsMiddleware",',
      '    *(m for m in MIDDLEWARE if m != "corsheaders.middleware.CorsMiddleware"),',
      ']',
      '',
      '# django-cors-headers answers preflights itself and adds Vary: Origin to every response.',
      'CORS_ALLOW_ALL_ORIGINS = False  # True would echo any Origin',
      'CORS_ALLOWED_ORIGIN_REGEXES = []',
      `CORS_ALLOWED_ORIGINS = [${q(r.origin)}]  # allowlist: scheme://host[:port], no path`,
      r.credentials && 'CORS_ALLOW_CREDENTIALS = True',
      extraMethods.length > 0 && `CORS_ALLOW_METHODS = (*default_methods, ${qs(extraMethods)})`,
      extraHeaders.length > 0 && `CORS_ALLOW_HEADERS = (*default_headers, ${qs(extraHeaders)})`,
      r.preflight && `CORS_PREFLIGHT_MAX_AGE = ${PREFLIGHT_MAX_AGE}`,
      unsafe && r.credentials && `CSRF_TRUSTED_ORIGINS = [${q(r.origin)}]  # Django 4.0+ checks Origin against it on unsafe methods`,
    ),
    notes: [
      ...(r.credentials
        ? [
            'Never CORS_ALLOW_ALL_ORIGINS with credentials: it echoes any Origin. Session cookies sent cross-site also need SESSION_COOKIE_SAMESITE = "None" and SESSION_COOKIE_SECURE = True.',
          ]
        : []),
      ...(unsafe
        ? [
            r.credentials
              ? `CORS lets the ${r.method} through, then CsrfViewMiddleware answers 403 unless the page sends the CSRF token. The page cannot read another site's csrftoken cookie: give it the token from a view that returns django.middleware.csrf.get_token(request), and send it as the X-CSRFToken header (the default CORS_ALLOW_HEADERS allow it). The csrftoken cookie must reach the API too (CSRF_COOKIE_SAMESITE = "None", CSRF_COOKIE_SECURE = True), and Django 4.0+ also checks Origin against CSRF_TRUSTED_ORIGINS.`
              : `CORS lets the ${r.method} through, then CsrfViewMiddleware answers 403 to it without a CSRF token. An API that authenticates by a header rather than cookies can mark its views @csrf_exempt.`,
          ]
        : []),
      'CORS_ALLOW_METHODS and CORS_ALLOW_HEADERS replace the library defaults when set: extend corsheaders.defaults as above, never a bare list.',
      "The headers are added on the way out, so Django's own 4xx/5xx responses carry them too.",
      ...problemNotes(r, {
        'options-rejected':
          'CorsMiddleware answers preflights (200) only if it runs before whatever rejects them (CommonMiddleware redirects, authentication): the snippet puts it first in MIDDLEWARE.',
      }),
    ],
  };
}

function flask(r: Requirements): ServerFix {
  return {
    stack: 'flask',
    label: STACKS_PYTHON.flask.label,
    language: 'python',
    where:
      'Right after app = Flask(...), before your before_request handlers (pip install flask-cors). It replaces any CORS(app, ...) call or @cross_origin decorator you have: delete those.',
    code: lines(
      'from flask_cors import CORS',
      r.preflight && 'from flask import request',
      '',
      '# List the origins: by default Flask-CORS accepts any origin.',
      'CORS(',
      '    app,',
      `    origins=[${q(r.origin)}],`,
      r.credentials && '    supports_credentials=True,',
      r.preflight && `    methods=[${qs(methodList(r, { upper: true }))}],`,
      r.headers.length > 0 && `    allow_headers=[${qs(headerList(r))}],`,
      r.preflight && `    max_age=${PREFLIGHT_MAX_AGE},`,
      ')',
      ...(r.preflight
        ? [
            '',
            '',
            '@app.before_request',
            'def answer_preflights():',
            '    # Registered before your own before_request handlers (authentication), so a preflight gets its 200',
            '    # here; Flask-CORS adds the headers to it.',
            '    if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:',
            '        return app.make_default_options_response()',
          ]
        : []),
      '',
      '',
      '@app.after_request',
      'def vary_on_origin(response):',
      '    # Flask-CORS adds Vary: Origin only when it has several origins to choose from.',
      '    response.vary.add("Origin")',
      '    return response',
    ),
    notes: [
      'Flask-CORS adds the headers in an after_request handler, which Flask also runs for the error responses it builds (4xx/5xx).',
      ...problemNotes(r, {
        'options-rejected':
          'before_request handlers run in the order they were registered, for OPTIONS too: answer_preflights must come before your authentication check.',
        'lowercase-method': uppercaseOnly(
          r,
          'Flask-CORS upper-cases the methods it allows (Access-Control-Allow-Methods lists PATCH, not patch)',
        ),
      }),
    ],
  };
}

function fastapi(r: Requirements): ServerFix {
  return {
    stack: 'fastapi',
    label: STACKS_PYTHON.fastapi.label,
    language: 'python',
    where:
      'Where you create the FastAPI (or Starlette) app, after your other middleware. It replaces any app.add_middleware(CORSMiddleware, ...) you have: delete that one (nested, the inner one would still answer other origins).',
    code: lines(
      'from fastapi.middleware.cors import CORSMiddleware',
      'from fastapi.responses import JSONResponse',
      '',
      '',
      '@app.middleware("http")',
      'async def errors_inside_cors(request, call_next):',
      '    # Added before CORSMiddleware, so it runs inside it and its 500 gets the CORS headers',
      '    # (an unhandled exception otherwise becomes a 500 outside every middleware, without them).',
      '    try:',
      '        return await call_next(request)',
      '    except Exception:',
      '        return JSONResponse({"detail": "Internal Server Error"}, status_code=500)',
      '',
      '',
      '# Added last, so it is the outermost middleware: preflights are answered before anything else runs.',
      'app.add_middleware(',
      '    CORSMiddleware,',
      `    allow_origins=[${q(r.origin)}],  # allowlist: exact origins; Vary: Origin on their responses`,
      r.credentials && '    allow_credentials=True,',
      r.preflight && `    allow_methods=[${qs(methodList(r))}],`,
      r.headers.length > 0 && `    allow_headers=[${qs(headerList(r))}],`,
      r.preflight && `    max_age=${PREFLIGHT_MAX_AGE},`,
      ')',
    ),
    notes: [
      ...(r.preflight && !r.problems.includes('options-rejected')
        ? ['CORSMiddleware allows only GET and no extra headers by default, and refuses other preflights with 400: keep the lists above.']
        : []),
      'CORSMiddleware adds Vary: Origin only to responses for allowed origins; if a shared cache sits in front, make it vary on Origin for every response of this API.',
      ...problemNotes(r, {
        'options-rejected':
          'A preflight CORSMiddleware does not allow gets a 400 (the browser reports PreflightInvalidStatus): the method and headers above must match what the page sends.',
        'error-without-headers':
          'Starlette turns an unhandled exception into a 500 outside your middleware, so CORSMiddleware never sees it: the errors_inside_cors middleware above makes that 500 inside it.',
      }),
    ],
  };
}

export const STACKS_PYTHON = {
  django: { label: 'Django (django-cors-headers)', language: 'python', generate: django },
  flask: { label: 'Flask (Flask-CORS)', language: 'python', generate: flask },
  fastapi: { label: 'FastAPI / Starlette', language: 'python', generate: fastapi },
} as const satisfies Record<string, Stack>;
