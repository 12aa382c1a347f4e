/**
 * Express, Fastify, Koa and Hono, each app a real ES module written as a user would (the snippet pasted after the
 * app is created, its import included: imports are hoisted), checked with node --check, and served by one Node
 * process per stack; Cloudflare Workers run in workerd through Miniflare, one runtime per app.
 */
import fs from 'node:fs';
import path from 'node:path';
import { API_KEY, type AppPlan, type Driver, type Launched, withoutLines } from './api.ts';
import { run, startWithPorts, versionOf, writeFiles } from './procs.ts';

const ROOT = process.cwd();

/** The installed version of an npm package (from its package.json), or MissingTool's message. */
function packageVersion(name: string): string {
  const file = path.join(ROOT, 'node_modules', name, 'package.json');
  if (!fs.existsSync(file)) throw new Error(`${name} is not installed (npm ci)`);
  return `${name} ${(JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version}`;
}

interface NodeApp {
  /** The user's module up to where the snippet goes, and after it (routes, listen). */
  readonly head: (wrong: boolean) => string;
  readonly tail: string;
  /** The lines the snippet's `where` says to delete (the existing cors import and use). */
  readonly replaces: RegExp;
}

const ROUTES_NOTE = `// The proof API (test-support/fix-proof/api.ts).`;

/** The end of an Express or Koa module: app.listen on a port from the OS. */
const LISTEN = `
export function listen() {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });
}
`;

const APPS: Record<'express' | 'fastify' | 'koa' | 'hono', NodeApp> = {
  express: {
    head: (wrong) =>
      [
        "import express from 'express';",
        wrong && "import cors from 'cors';",
        '',
        'const app = express();',
        "app.set('env', 'test');",
        wrong && 'app.use(cors());',
      ]
        .filter((l) => l !== false)
        .join('\n'),
    tail: `
${ROUTES_NOTE}
app.use((req, res, next) => {
  if (req.path === '/api/private' && req.get('x-api-key') !== '${API_KEY}') return res.status(401).json({ ok: false });
  next();
});
app.all('/api/items', (req, res) => res.json({ ok: true }));
app.all('/api/private', (req, res) => res.json({ ok: true }));
app.get('/api/boom', () => {
  throw new Error('boom');
});
app.put('/api/put-only', (req, res) => res.json({ ok: true }));
${LISTEN}`,
    replaces: /^import cors from 'cors';$|^app\.use\(cors\(\)\);$/,
  },
  fastify: {
    head: (wrong) =>
      [
        "import Fastify from 'fastify';",
        wrong && "import cors from '@fastify/cors';",
        '',
        'const fastify = Fastify();',
        wrong && 'await fastify.register(cors);',
      ]
        .filter((l) => l !== false)
        .join('\n'),
    tail: `
${ROUTES_NOTE}
fastify.addHook('onRequest', async (request, reply) => {
  if (request.url.split('?')[0] === '/api/private' && request.headers['x-api-key'] !== '${API_KEY}') {
    return reply.code(401).send({ ok: false });
  }
});
fastify.route({ method: ['GET', 'POST', 'PUT'], url: '/api/items', handler: async () => ({ ok: true }) });
fastify.route({ method: ['GET', 'POST', 'PUT'], url: '/api/private', handler: async () => ({ ok: true }) });
fastify.get('/api/boom', async () => {
  throw new Error('boom');
});
fastify.put('/api/put-only', async () => ({ ok: true }));

export async function listen() {
  await fastify.listen({ port: 0, host: '127.0.0.1' });
  return fastify.server.address().port;
}
`,
    replaces: /^import cors from '@fastify\/cors';$|^await fastify\.register\(cors\);$/,
  },
  koa: {
    head: (wrong) =>
      [
        "import Koa from 'koa';",
        wrong && "import cors from '@koa/cors';",
        '',
        'const app = new Koa();',
        'app.silent = true;',
        wrong && 'app.use(cors());',
      ]
        .filter((l) => l !== false)
        .join('\n'),
    tail: `
${ROUTES_NOTE}
app.use(async (ctx, next) => {
  if (ctx.path === '/api/private' && ctx.get('x-api-key') !== '${API_KEY}') {
    ctx.status = 401;
    ctx.body = { ok: false };
    return;
  }
  await next();
});
app.use(async (ctx) => {
  if (ctx.path === '/api/boom') throw new Error('boom');
  if (ctx.path === '/api/put-only') {
    if (ctx.method !== 'PUT') ctx.status = 405;
    else ctx.body = { ok: true };
    return;
  }
  if (ctx.path === '/api/items' || ctx.path === '/api/private') ctx.body = { ok: true };
});
${LISTEN}`,
    replaces: /^import cors from '@koa\/cors';$|^app\.use\(cors\(\)\);$/,
  },
  hono: {
    head: (wrong) =>
      [
        "import { Hono } from 'hono';",
        "import { serve } from '@hono/node-server';",
        wrong && "import { cors } from 'hono/cors';",
        '',
        'const app = new Hono();',
        wrong && 'app.use(cors());',
      ]
        .filter((l) => l !== false)
        .join('\n'),
    tail: `
${ROUTES_NOTE}
app.use('/api/private', async (c, next) => {
  if (c.req.header('x-api-key') !== '${API_KEY}') return c.json({ ok: false }, 401);
  await next();
});
app.on(['GET', 'POST', 'PUT'], '/api/items', (c) => c.json({ ok: true }));
app.on(['GET', 'POST', 'PUT'], '/api/private', (c) => c.json({ ok: true }));
app.get('/api/boom', () => {
  throw new Error('boom');
});
app.put('/api/put-only', (c) => c.json({ ok: true }));
app.onError((error, c) => c.text('Internal Server Error', 500));

export function listen() {
  return new Promise((resolve) => serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port)));
}
`,
    replaces: /^import \{ cors \} from 'hono\/cors';$|^app\.use\(cors\(\)\);$/,
  },
};

/** The user's module with the snippet merged as its `where` says: the old cors lines deleted, the snippet after the app. */
function moduleText(app: NodeApp, plan: AppPlan): string {
  const head = app.head(plan.variant === 'wrong');
  if (!plan.fix) return `${head}\n${app.tail}`;
  return `${withoutLines(head, app.replaces)}\n\n${plan.fix.code}\n${app.tail}`;
}

const RUNNER = `// Starts every app module named on the command line and prints their ports.
const ports = {};
for (const key of process.argv.slice(2)) ports[key] = await (await import(\`./\${key}.mjs\`)).listen();
console.log(\`PORTS \${JSON.stringify(ports)}\`);
`;

function nodeDriver(stack: keyof typeof APPS, packages: readonly string[]): Driver {
  return {
    stack,
    versions: async () => [`Node ${process.versions.node}`, ...packages.map(packageVersion)].join(', '),
    async launch(apps, dir) {
      const files: Record<string, string> = { 'run.mjs': RUNNER };
      for (const plan of apps) files[`${plan.key}.mjs`] = moduleText(APPS[stack], plan);
      writeFiles(dir, files);
      // Bare imports resolve from the project's node_modules, as they would in the user's project.
      fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
      await Promise.all(apps.map((plan) => run(process.execPath, ['--check', path.join(dir, `${plan.key}.mjs`)])));
      const { server, origins } = await startWithPorts(process.execPath, ['run.mjs', ...apps.map((a) => a.key)], { cwd: dir });
      return { origins, close: () => server.close() };
    },
  };
}

export const express = nodeDriver('express', ['express', 'cors']);
export const fastify = nodeDriver('fastify', ['fastify', '@fastify/cors']);
export const koa = nodeDriver('koa', ['koa', '@koa/cors']);
export const hono = nodeDriver('hono', ['hono', '@hono/node-server']);

/** The user's Worker: what its fetch handler did, renamed handle() as the snippet's `where` says. */
function workerText(plan: AppPlan): string {
  const star = plan.variant === 'wrong' ? ", 'Access-Control-Allow-Origin': '*'" : '';
  const handle = `${ROUTES_NOTE}
async function handle(request, env, ctx) {
  const url = new URL(request.url);
  const json = (status) =>
    new Response(JSON.stringify({ ok: status < 400 }), { status, headers: { 'content-type': 'application/json'${star} } });
  if (url.pathname === '/api/private' && request.headers.get('x-api-key') !== '${API_KEY}') return json(401);
  if (url.pathname === '/api/boom') throw new Error('boom');
  if (url.pathname === '/api/put-only') return json(request.method === 'PUT' ? 200 : 405);
  if (url.pathname === '/api/items' || url.pathname === '/api/private') return json(200);
  return json(404);
}
`;
  return plan.fix ? `${handle}\n${plan.fix.code}\n` : `${handle}\nexport default { fetch: handle };\n`;
}

export const cloudflare: Driver = {
  stack: 'cloudflare',
  versions: async () => {
    const workerd = await versionOf(path.join(ROOT, 'node_modules', '.bin', 'workerd'), ['--version'], /workerd (\S+)/).catch(() => '?');
    return `${packageVersion('miniflare')}, workerd ${workerd}`;
  },
  async launch(apps, dir): Promise<Launched> {
    const { Miniflare } = await import('miniflare');
    const runtimes: InstanceType<typeof Miniflare>[] = [];
    const origins = new Map<string, string>();
    const close = async () => void (await Promise.all(runtimes.map((mf) => mf.dispose())));
    try {
      // One workerd per app, started together (each takes a second or two to come up).
      await Promise.all(
        apps.map(async (plan) => {
          const file = path.join(dir, `${plan.key}.mjs`);
          const script = workerText(plan);
          writeFiles(dir, { [`${plan.key}.mjs`]: script });
          await run(process.execPath, ['--check', file]);
          const mf = new Miniflare({ modules: true, script, compatibilityDate: '2024-09-23', host: '127.0.0.1', port: 0 });
          runtimes.push(mf);
          origins.set(plan.key, (await mf.ready).origin);
        }),
      );
    } catch (error) {
      await close();
      throw error;
    }
    return { origins, close };
  },
};
