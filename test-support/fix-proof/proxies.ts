/**
 * nginx, Apache httpd and Caddy in front of the Node API (api.ts). Each app is its own server process on a port
 * from the OS, with its configuration in its own folder; the stack's validator (nginx -t, apache2ctl -t, caddy
 * validate) checks every merged configuration before it starts.
 */
import { type AppPlan, type Driver, indent, type Launched, withoutLines } from './api.ts';
import { freePort, launchEach, run, type Server, start, versionOf, waitForPort, writeFiles } from './procs.ts';

/** One server per app: `setup` writes its configuration and says how to validate and run it; it must listen on `port`. */
const launchProxies = (
  apps: readonly AppPlan[],
  dir: string,
  setup: (app: AppPlan, appDir: string, port: number) => { validate: () => Promise<unknown>; start: () => Server },
): Promise<Launched> =>
  launchEach(apps, dir, async (app, appDir, track) => {
    const port = await freePort();
    const { validate, start: startServer } = setup(app, appDir, port);
    await validate();
    await waitForPort(track(startServer()), port);
    return `http://127.0.0.1:${port}`;
  });

/** The snippet's http-level part and its location block, split where the location starts. */
function nginxParts(code: string): { http: string; prefix: string; body: string } {
  const lines = code.split('\n');
  const at = lines.findIndex((l) => l.startsWith('location '));
  if (at < 0) throw new Error(`no location in the nginx snippet:\n${code}`);
  const prefix = /^location (.+) \{$/.exec(lines[at] ?? '')?.[1] ?? '';
  const body = lines.slice(at + 1, lines.lastIndexOf('}')).join('\n');
  return { http: lines.slice(0, at).join('\n'), prefix, body };
}

/** The user's nginx.conf with the snippet merged as its `where` says (see api.ts for the variants). */
export function nginxConf(app: AppPlan, appDir: string, port: number, upstream: string): string {
  const proxy = `proxy_pass ${upstream};`;
  // The user's server: the site and the API under /api/ proxied; the wrong one already sends '*' (server-wide and
  // in the API's location, where users put it).
  const wrong = app.variant === 'wrong';
  const locations = new Map<string, string[]>([
    ['/', [proxy]],
    ['/api/', [proxy, ...(wrong ? ['add_header Access-Control-Allow-Origin * always;'] : [])]],
  ]);
  let http = '';
  if (app.fix) {
    const parts = nginxParts(app.fix.code);
    http = parts.http;
    // As the snippet's `where` says: into the existing location of that prefix, its add_header Access-Control-*
    // lines deleted, or a new location with the proxy_pass.
    const existing = locations.get(parts.prefix)?.filter((l) => !l.startsWith('add_header Access-Control-')) ?? [proxy];
    locations.set(parts.prefix, [...existing, ...parts.body.split('\n').map((l) => l.replace(/^ {4}/, ''))]);
  }
  const blocks = [...locations].map(([prefix, body]) => `location ${prefix} {\n${indent(body.join('\n'), '    ')}\n}`);
  return `worker_processes 1;
pid ${appDir}/nginx.pid;
error_log ${appDir}/error.log warn;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path ${appDir}/body;
    proxy_temp_path ${appDir}/proxy;
    fastcgi_temp_path ${appDir}/fastcgi;
    uwsgi_temp_path ${appDir}/uwsgi;
    scgi_temp_path ${appDir}/scgi;
${indent(http, '    ')}
    server {
        listen 127.0.0.1:${port};
${wrong ? '        add_header Access-Control-Allow-Origin *;\n' : ''}${indent(blocks.join('\n'), '        ')}
    }
}
`;
}

const nginxArgs = (appDir: string) => ['-p', appDir, '-e', `${appDir}/error.log`, '-c', `${appDir}/nginx.conf`];

/** nginx -t on the nginx.conf in appDir. */
export const validateNginx = (appDir: string) => run('nginx', [...nginxArgs(appDir), '-t', '-q']);

export const nginx: Driver = {
  stack: 'nginx',
  versions: async () => `nginx ${await versionOf('nginx', ['-v'], /nginx\/(\S+)/)}`,
  launch: (apps, dir, upstream) =>
    launchProxies(apps, dir, (app, appDir, port) => {
      writeFiles(appDir, { 'nginx.conf': nginxConf(app, appDir, port, upstream) });
      return { validate: () => validateNginx(appDir), start: () => start('nginx', [...nginxArgs(appDir), '-g', 'daemon off;']) };
    }),
};

const APACHE_MODULES = ['mpm_event', 'authz_core', 'headers', 'setenvif', 'rewrite', 'proxy', 'proxy_http'];

/** The user's httpd.conf: one virtual host proxying to the API, the snippet at its end as its `where` says. */
export function apacheConf(app: AppPlan, appDir: string, port: number, upstream: string): string {
  // The wrong one already sets '*' (the line the snippet's unset lines override when it is pasted after it).
  const vhost = [
    `    ProxyPass "/" "${upstream}/"`,
    ...(app.variant === 'wrong' ? ['    Header set Access-Control-Allow-Origin "*"'] : []),
    ...(app.fix ? [indent(app.fix.code, '    ')] : []),
  ].join('\n');
  return `ServerRoot "${appDir}"
DefaultRuntimeDir "${appDir}"
PidFile "${appDir}/httpd.pid"
Mutex file:${appDir} default
ErrorLog "${appDir}/error.log"
LogLevel warn
${APACHE_MODULES.map((m) => `LoadModule ${m}_module /usr/lib/apache2/modules/mod_${m}.so`).join('\n')}
User www-data
Group www-data
ServerName 127.0.0.1
Listen 127.0.0.1:${port}
<VirtualHost 127.0.0.1:${port}>
${vhost}
</VirtualHost>
`;
}

/** apache2ctl -t on the httpd.conf in appDir. */
export const validateApache = (appDir: string) =>
  run('apache2ctl', ['-t'], { env: { ...process.env, APACHE_ARGUMENTS: `-f ${appDir}/httpd.conf` } });

export const apache: Driver = {
  stack: 'apache',
  versions: async () => `Apache httpd ${await versionOf('apache2', ['-v'], /Apache\/(\S+)/)}`,
  launch: (apps, dir, upstream) =>
    launchProxies(apps, dir, (app, appDir, port) => {
      writeFiles(appDir, { 'httpd.conf': apacheConf(app, appDir, port, upstream) });
      return {
        validate: () => validateApache(appDir),
        start: () => start('apache2', ['-f', `${appDir}/httpd.conf`, '-DFOREGROUND']),
      };
    }),
};

/** The user's Caddyfile: one site proxying to the API; as the snippet's `where` says, its old header lines deleted. */
export function caddyConf(app: AppPlan, appDir: string, port: number, upstream: string): string {
  const existing = app.variant === 'wrong' ? '\theader Access-Control-Allow-Origin *' : '';
  const site = [
    app.fix ? withoutLines(existing, /^\s*header .*Access-Control-/) : existing,
    ...(app.fix ? [indent(app.fix.code, '\t')] : []),
    `\treverse_proxy ${upstream.replace('http://', '')}`,
  ].filter((l) => l !== '');
  return `{
\tadmin off
\tauto_https off
\tstorage file_system ${appDir}/data
}
http://127.0.0.1:${port} {
${site.join('\n')}
}
`;
}

const caddyEnv = (appDir: string) => ({
  ...process.env,
  HOME: appDir,
  XDG_DATA_HOME: `${appDir}/data`,
  XDG_CONFIG_HOME: `${appDir}/config`,
});
const caddyArgs = (appDir: string) => ['--config', `${appDir}/Caddyfile`, '--adapter', 'caddyfile'];

/** caddy validate on the Caddyfile in appDir. */
export const validateCaddy = (appDir: string) => run('caddy', ['validate', ...caddyArgs(appDir)], { env: caddyEnv(appDir) });

export const caddy: Driver = {
  stack: 'caddy',
  versions: async () => `Caddy ${await versionOf('caddy', ['version'], /v?(\d+\.\d+\.\d+)/)}`,
  launch: (apps, dir, upstream) =>
    launchProxies(apps, dir, (app, appDir, port) => {
      writeFiles(appDir, { Caddyfile: caddyConf(app, appDir, port, upstream) });
      return {
        validate: () => validateCaddy(appDir),
        start: () => start('caddy', ['run', ...caddyArgs(appDir)], { env: caddyEnv(appDir) }),
      };
    }),
};
