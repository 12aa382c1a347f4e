/**
 * Flask (Flask-CORS), FastAPI (Starlette's CORSMiddleware) and Django (django-cors-headers) from Debian's packages,
 * run by Debian's own Python (/usr/bin/python3, or CORS_LENS_PYTHON): every file checked with py_compile, Flask and
 * FastAPI apps served together by one process (serve.py), each Django project by its own (settings are global).
 */
import fs from 'node:fs';
import path from 'node:path';
import { API_KEY, type AppPlan, type Driver, type Launched, withoutLines } from './api.ts';
import { launchEach, MissingTool, run, startWithPorts, versionOf, writeFiles } from './procs.ts';

const PYTHON = process.env.CORS_LENS_PYTHON ?? '/usr/bin/python3';
const SERVE = path.resolve('test-support/fix-proof/serve.py');

async function pythonVersions(modules: readonly string[]): Promise<string> {
  if (!fs.existsSync(PYTHON)) throw new MissingTool(`${PYTHON} is not installed`);
  const script = `import importlib.metadata as m, sys; print("Python " + sys.version.split()[0] + "".join(", %s %s" % (d, m.version(d)) for d in sys.argv[1:]))`;
  return versionOf(PYTHON, ['-c', script, ...modules], /^(Python .+)$/m);
}

const compile = (files: readonly string[]) => run(PYTHON, ['-m', 'py_compile', ...files]);

/** The user's module with the snippet merged where its `where` says, after the lines it replaces are deleted. */
function merge(plan: AppPlan, head: (wrong: boolean) => string, tail: string, replaces: RegExp): string {
  const before = head(plan.variant === 'wrong');
  return plan.fix ? `${withoutLines(before, replaces)}\n${plan.fix.code}\n${tail}` : `${before}\n${tail}`;
}

const FLASK_HEAD = (wrong: boolean) => `from flask import Flask, jsonify, request
${wrong ? 'from flask_cors import CORS\n' : ''}
app = Flask(__name__)
${wrong ? 'CORS(app)\n' : ''}`;

const FLASK_TAIL = `

# The proof API (test-support/fix-proof/api.ts).
@app.before_request
def authenticate():
    if request.path == "/api/private" and request.headers.get("x-api-key") != "${API_KEY}":
        return jsonify(ok=False), 401


@app.route("/api/items", methods=["GET", "POST", "PUT"])
@app.route("/api/private", methods=["GET", "POST", "PUT"])
def items():
    return jsonify(ok=True)


@app.route("/api/boom")
def boom():
    raise RuntimeError("boom")


@app.route("/api/put-only", methods=["PUT"])
def put_only():
    return jsonify(ok=True)
`;

const FASTAPI_HEAD = (wrong: boolean) => `from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
${wrong ? 'from fastapi.middleware.cors import CORSMiddleware\n' : ''}
app = FastAPI()


# The proof API (test-support/fix-proof/api.ts).
@app.middleware("http")
async def authenticate(request: Request, call_next):
    if request.url.path == "/api/private" and request.headers.get("x-api-key") != "${API_KEY}":
        return JSONResponse({"ok": False}, status_code=401)
    return await call_next(request)

${wrong ? 'app.add_middleware(CORSMiddleware, allow_origins=["*"])\n' : ''}`;

const FASTAPI_TAIL = `

@app.api_route("/api/items", methods=["GET", "POST", "PUT"])
@app.api_route("/api/private", methods=["GET", "POST", "PUT"])
def items():
    return {"ok": True}


@app.get("/api/boom")
def boom():
    raise RuntimeError("boom")


@app.put("/api/put-only")
def put_only():
    return {"ok": True}
`;

function multiAppDriver(
  stack: 'flask' | 'fastapi',
  packages: readonly string[],
  head: (wrong: boolean) => string,
  tail: string,
  replaces: RegExp,
): Driver {
  return {
    stack,
    versions: () => pythonVersions(packages),
    async launch(apps, dir): Promise<Launched> {
      const files = Object.fromEntries(apps.map((plan) => [`${plan.key.replaceAll('-', '_')}.py`, merge(plan, head, tail, replaces)]));
      writeFiles(dir, files);
      await compile(Object.keys(files).map((f) => path.join(dir, f)));
      const keys = apps.map((a) => a.key.replaceAll('-', '_'));
      const { server, origins } = await startWithPorts(PYTHON, [SERVE, stack, dir, ...keys], { cwd: dir });
      return { origins: new Map(apps.map((a) => [a.key, origins.get(a.key.replaceAll('-', '_')) as string])), close: () => server.close() };
    },
  };
}

export const flask = multiAppDriver(
  'flask',
  ['flask', 'flask-cors'],
  FLASK_HEAD,
  FLASK_TAIL,
  /^(from flask_cors import CORS|CORS\(app\))$/,
);
export const fastapi = multiAppDriver(
  'fastapi',
  ['fastapi', 'starlette', 'uvicorn'],
  FASTAPI_HEAD,
  FASTAPI_TAIL,
  /^app\.add_middleware\(CORSMiddleware, allow_origins=\["\*"\]\)$/,
);

/** A settings.py as startproject writes it (the parts that matter here); the wrong one lets every origin in. */
const DJANGO_SETTINGS = (wrong: boolean) => `SECRET_KEY = "fix-proof"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "urls"
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
${wrong ? '    "corsheaders",\n' : ''}]
MIDDLEWARE = [
${wrong ? '    "corsheaders.middleware.CorsMiddleware",\n' : ''}    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "apikey.ApiKeyMiddleware",
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
${wrong ? 'CORS_ALLOW_ALL_ORIGINS = True\n' : ''}`;

const DJANGO_FILES = {
  'apikey.py': `from django.http import JsonResponse


class ApiKeyMiddleware:
    """The proof API's authentication (test-support/fix-proof/api.ts): preflights are refused too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/api/private" and request.headers.get("x-api-key") != "${API_KEY}":
            return JsonResponse({"ok": False}, status=401)
        return self.get_response(request)
`,
  'urls.py': `from django.http import JsonResponse
from django.urls import path
from django.views.decorators.http import require_http_methods


def items(request):
    return JsonResponse({"ok": True})


def boom(request):
    raise RuntimeError("boom")


@require_http_methods(["PUT"])
def put_only(request):
    return JsonResponse({"ok": True})


urlpatterns = [
    path("api/items", items),
    path("api/private", items),
    path("api/boom", boom),
    path("api/put-only", put_only),
]
`,
};

export const django: Driver = {
  stack: 'django',
  versions: () => pythonVersions(['django', 'django-cors-headers']),
  launch: (apps, dir) =>
    launchEach(apps, dir, async (plan, appDir, track) => {
      // As the snippet's `where` says: at the end of settings.py.
      const settings = `${DJANGO_SETTINGS(plan.variant === 'wrong')}${plan.fix ? `\n${plan.fix.code}\n` : ''}`;
      writeFiles(appDir, { ...DJANGO_FILES, 'settings.py': settings });
      await compile(['settings.py', 'urls.py', 'apikey.py'].map((f) => path.join(appDir, f)));
      const { server, origins } = await startWithPorts(PYTHON, [SERVE, 'django', appDir], { cwd: appDir });
      track(server);
      return origins.get('app') as string;
    }),
};
