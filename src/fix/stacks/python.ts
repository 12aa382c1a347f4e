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

function django(r: Requirements): ServerFix {
  return {
    stack: 'django',
    label: STACKS_PYTHON.django.label,
    language: 'python',
    where: 'settings.py (pip install django-cors-headers).',
    code: lines(
      'INSTALLED_APPS = [',
      '    # ...',
      '    "corsheaders",',
      ']',
      'MIDDLEWARE = [',
      '    "corsheaders.middleware.CorsMiddleware",  # first: above CommonMiddleware and authentication',
      '    "django.middleware.common.CommonMiddleware",',
      '    # ...',
      ']',
      '',
      '# django-cors-headers answers preflights itself and adds Vary: Origin to every response.',
      `CORS_ALLOWED_ORIGINS = [${q(r.origin)}]  # allowlist: scheme://host[:port], no path`,
      r.credentials && 'CORS_ALLOW_CREDENTIALS = True',
      r.preflight && `CORS_ALLOW_METHODS = [${qs(methodList(r))}]`,
      r.headers.length > 0 && `CORS_ALLOW_HEADERS = [${qs(headerList(r))}]`,
      r.preflight && `CORS_PREFLIGHT_MAX_AGE = ${PREFLIGHT_MAX_AGE}`,
    ),
    notes: [
      ...(r.credentials
        ? [
            'Never CORS_ALLOW_ALL_ORIGINS with credentials: it echoes any Origin. Session cookies sent cross-site also need SESSION_COOKIE_SAMESITE = "None" and SESSION_COOKIE_SECURE = True, and unsafe methods need the origin in CSRF_TRUSTED_ORIGINS.',
          ]
        : []),
      "The headers are added on the way out, so Django's own 4xx/5xx responses carry them too.",
      ...problemNotes(r, {
        'options-rejected':
          'CorsMiddleware answers preflights (200) only if it runs before whatever rejects them (CommonMiddleware redirects, authentication): keep it first in MIDDLEWARE.',
      }),
    ],
  };
}

function flask(r: Requirements): ServerFix {
  return {
    stack: 'flask',
    label: STACKS_PYTHON.flask.label,
    language: 'python',
    where: 'Where you create the Flask app (pip install flask-cors).',
    code: lines(
      'from flask_cors import CORS',
      '',
      '# List the origins: by default Flask-CORS accepts any origin and echoes it back.',
      'CORS(',
      '    app,',
      `    origins=[${q(r.origin)}],`,
      r.credentials && '    supports_credentials=True,',
      r.preflight && `    methods=[${qs(methodList(r, { upper: true }))}],`,
      r.headers.length > 0 && `    allow_headers=[${qs(headerList(r))}],`,
      r.preflight && `    max_age=${PREFLIGHT_MAX_AGE},`,
      ')',
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
          'before_request handlers run for OPTIONS too: skip your authentication check when request.method == "OPTIONS", so the preflight gets its 200.',
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
    where: 'Where you create the FastAPI (or Starlette) app, after the other middleware.',
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
      `    allow_origins=[${q(r.origin)}],  # allowlist: exact origins; it adds Vary: Origin`,
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
