/**
 * The raw headers and the servers configured in their own files. Facts: the Fetch standard (raw headers); nginx
 * ngx_http_headers_module (add_header ... always; inheritance) and ngx_http_parse.c (a method with lower-case letters
 * is an invalid request line, 400); httpd mod_headers (Header always: the table used for non-2xx responses),
 * mod_setenvif, mod_rewrite (R with a non-3xx status ends the request; in per-directory context rewriting runs after
 * authentication); Caddy's header directive (immediate unless deferred; deferred operations are skipped on errors).
 */
import type { Requirements } from '../requirements.ts';
import { headerList, lines, methodList, PREFLIGHT_MAX_AGE, problemNotes, type ServerFix, type Stack, uppercaseOnly } from './common.ts';

function rawHeaders(r: Requirements): ServerFix {
  const block = (extra: string[]) =>
    lines(`Access-Control-Allow-Origin: ${r.origin}`, r.credentials && 'Access-Control-Allow-Credentials: true', ...extra, 'Vary: Origin');
  const preflight = r.preflight
    ? `# Response to the OPTIONS preflight: status 204, before any authentication\n${block([
        `Access-Control-Allow-Methods: ${methodList(r).join(', ')}`,
        ...(r.headers.length > 0 ? [`Access-Control-Allow-Headers: ${headerList(r).join(', ')}`] : []),
        `Access-Control-Max-Age: ${PREFLIGHT_MAX_AGE}`,
      ])}\n\n`
    : '';
  return {
    stack: 'headers',
    label: STACKS_PROXIES.headers.label,
    language: 'http',
    where: 'Whatever produces the response: send these only when the request Origin is in your allowlist.',
    code: `${preflight}# On every response to ${r.path} (errors included), when Origin is ${r.origin}\n${block([])}`,
    notes: [
      'Compare the request Origin with an allowlist and send back the matching origin; never reflect any Origin when credentials are allowed.',
      ...problemNotes(r),
    ],
  };
}

/** A double-quoted nginx string: \\, \" and line breaks and tabs escaped (the parser's only escapes). */
const ngxString = (s: string): string =>
  `"${s.replace(/[\\"\n\r\t]/g, (c) => ({ '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c] ?? `\\${c}`)}"`;

/** An nginx location or map key: bare when it is plain, quoted when it holds anything the parser would read. */
const ngxWord = (s: string): string => (/^[A-Za-z0-9/._~!*+,:=@%-]+$/.test(s) && !s.startsWith('~') ? s : ngxString(s));

/**
 * An add_header value. Values are scripts where `$` starts a variable and has no escape, so a literal `$` comes from
 * the $cors_dollar variable the snippet defines with geo (geo values are not scripts).
 */
const ngxValue = (s: string): string => ngxString(s).replaceAll('$', `\${cors_dollar}`);

/** The path as nginx matches it: percent-decoded (nginx decodes the URI before choosing a location). */
function decodedPath(path: string): string {
  return path.replace(/(%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

/** The API's prefix: the first segment of a longer path (/api/ for /api/v1/items), else the whole site. */
export function apiPrefix(path: string): string {
  const segments = decodedPath(path)
    .split('/')
    .filter((s) => s !== '');
  return segments.length >= 2 ? `/${segments[0]}/` : '/';
}

function nginx(r: Requirements): ServerFix {
  const prefix = apiPrefix(r.path);
  const methods = methodList(r, { upper: true });
  const headers = headerList(r);
  const dollar = r.preflight && [...methods, ...headers].some((v) => v.includes('$'));
  const common = [
    '    add_header Access-Control-Allow-Origin $cors_origin always;',
    ...(r.credentials ? ['    add_header Access-Control-Allow-Credentials true always;'] : []),
    '    add_header Vary Origin always;',
  ];
  const options = r.preflight
    ? [
        '    if ($request_method = OPTIONS) {',
        ...common.map((l) => `    ${l}`),
        `        add_header Access-Control-Allow-Methods ${ngxValue(methods.join(', '))} always;`,
        ...(headers.length > 0 ? [`        add_header Access-Control-Allow-Headers ${ngxValue(headers.join(', '))} always;`] : []),
        `        add_header Access-Control-Max-Age ${PREFLIGHT_MAX_AGE} always;`,
        '        return 204;',
        '    }',
      ]
    : [];
  return {
    stack: 'nginx',
    label: STACKS_PROXIES.nginx.label,
    language: 'nginx',
    where: `nginx.conf: the map in the http block; the location in the server block that serves the API. If that server already has a location ${ngxWord(prefix)}, put these lines into it (keep its proxy_pass, root and auth lines) and delete its add_header Access-Control-* lines.`,
    code: lines(
      '# In the http block, outside any server: the allowlist. $cors_origin is empty (no header sent) for other origins.',
      'map $http_origin $cors_origin {',
      '    default "";',
      `    ${ngxString(r.origin)} $http_origin;`,
      '}',
      dollar && 'geo $cors_dollar { default "$"; }  # a literal $ for the values below (nginx has no escape for it)',
      '',
      `# In the server block: every path under ${ngxWord(prefix)}, errors included.`,
      `location ${ngxWord(prefix)} {`,
      ...options,
      ...common,
      '    # ...and the proxy_pass (or root) that serves the API, as before.',
      '}',
    ),
    notes: [
      '"always" makes nginx add the headers to error responses too; without it they appear only on 2xx/3xx.',
      'add_header in a block drops every add_header inherited from outer blocks: keep the CORS lines together in this location, and delete other add_header Access-Control-* lines in it (two would send two values).',
      `For this endpoint alone, use location = ${ngxWord(decodedPath(r.path))} { ... } with the same lines; the prefix also covers its sibling endpoints and their errors.`,
      ...problemNotes(r, {
        'duplicate-header':
          'The browser got two values: if the upstream application also sends Access-Control-Allow-Origin, hide its copy with proxy_hide_header Access-Control-Allow-Origin; (and the other Access-Control-* headers).',
        'options-rejected':
          'The if block answers OPTIONS with 204 in the rewrite phase, before auth_basic or auth_request run; keep it in the location that has them.',
        'lowercase-method': uppercaseOnly(
          r,
          'nginx rejects a request whose method name has lower-case letters with 400 before any location applies',
        ),
      }),
    ],
  };
}

const regexEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A double-quoted httpd argument (only \" is an escape there). */
const apacheString = (s: string): string => `"${s.replaceAll('"', '\\"')}"`;

/** A mod_headers value: a format string, where % starts a format specifier and %% is a literal %. */
const apacheValue = (s: string): string => apacheString(s.replaceAll('%', '%%'));

function apache(r: Requirements): ServerFix {
  const set = (name: string, value: string) => `Header always set ${name} ${value} env=CORS_ORIGIN`;
  const names = [
    'Access-Control-Allow-Origin',
    ...(r.credentials ? ['Access-Control-Allow-Credentials'] : []),
    ...(r.preflight ? ['Access-Control-Allow-Methods', 'Access-Control-Allow-Headers', 'Access-Control-Max-Age'] : []),
  ];
  return {
    stack: 'apache',
    label: STACKS_PROXIES.apache.label,
    language: 'apache',
    where:
      'At the end of the <VirtualHost> that serves the API, after any Header lines it already has (mod_setenvif, mod_headers and, for preflights, mod_rewrite).',
    code: lines(
      `# Allowlist: CORS_ORIGIN is set only when Origin is exactly ${r.origin}.`,
      `SetEnvIf Origin ${apacheString(`^(${regexEscape(r.origin)})$`)} CORS_ORIGIN=$1`,
      "# Drop the values set above this point or sent by the application, from both of mod_headers' tables: two",
      '# values, or a leftover "*", would make the browser refuse the response.',
      ...names.flatMap((name) => [`Header unset ${name}`, `Header always unset ${name}`]),
      '# "always": on error responses (4xx/5xx) too, not only on 2xx.',
      set('Access-Control-Allow-Origin', '"%{CORS_ORIGIN}e"'),
      r.credentials && set('Access-Control-Allow-Credentials', '"true"'),
      'Header always merge Vary Origin',
      r.preflight && set('Access-Control-Allow-Methods', apacheValue(methodList(r).join(', '))),
      r.preflight && r.headers.length > 0 && set('Access-Control-Allow-Headers', apacheValue(headerList(r).join(', '))),
      r.preflight && set('Access-Control-Max-Age', `"${PREFLIGHT_MAX_AGE}"`),
      ...(r.preflight
        ? [
            '',
            '# Answer preflights here with 204, before authentication and the application.',
            'RewriteEngine On',
            'RewriteCond %{REQUEST_METHOD} =OPTIONS',
            'RewriteCond %{HTTP:Access-Control-Request-Method} .',
            'RewriteRule ^ - [R=204,L]',
          ]
        : []),
    ),
    notes: [
      'Without "always", mod_headers only changes 2xx responses and the browser sees a CORS error instead of your 4xx/5xx.',
      'mod_headers keeps two tables (onsuccess and always): a Header set without "always" above this block and the application\'s own headers land in the other one, hence the unset lines for both. Header lines in a <Directory>, <Location> or .htaccess run after these: delete their Access-Control-* lines.',
      ...(r.preflight
        ? [
            'In the <VirtualHost> the rewrite answers OPTIONS before authentication. Inside <Directory>, <Location> or .htaccess it runs after it: exempt preflights there, e.g. <LimitExcept OPTIONS> Require valid-user </LimitExcept>.',
          ]
        : []),
      ...problemNotes(r, {
        'duplicate-header':
          'The browser got two values: the Header unset lines above drop the copies the application or an earlier Header line adds (Header unset Access-Control-Allow-Origin in both tables).',
      }),
    ],
  };
}

/** A double-quoted Caddyfile token (only \" is an escape there). */
const caddyString = (s: string): string => `"${s.replaceAll('"', '\\"')}"`;

function caddy(r: Requirements): ServerFix {
  const origin = caddyString(r.origin);
  return {
    stack: 'caddy',
    label: STACKS_PROXIES.caddy.label,
    language: 'caddyfile',
    where:
      'Caddyfile: inside the site block that serves the API, above reverse_proxy / file_server. Delete the header lines for Access-Control-* that block already has: Caddy would apply both, and a leftover "*" wins.',
    code: lines(
      '# Allowlist: the headers go only to this exact Origin.',
      `@cors_origin header Origin ${origin}`,
      'header @cors_origin {',
      `\tAccess-Control-Allow-Origin ${origin}`,
      r.credentials && '\tAccess-Control-Allow-Credentials "true"',
      '}',
      'header +Vary Origin',
      ...(r.preflight
        ? [
            '',
            '# Answer preflights here with 204, before the upstream.',
            '@cors_preflight {',
            '\tmethod OPTIONS',
            `\theader Origin ${origin}`,
            '}',
            'handle @cors_preflight {',
            `\theader Access-Control-Allow-Methods ${caddyString(methodList(r).join(', '))}`,
            r.headers.length > 0 ? `\theader Access-Control-Allow-Headers ${caddyString(headerList(r).join(', '))}` : null,
            `\theader Access-Control-Max-Age "${PREFLIGHT_MAX_AGE}"`,
            '\trespond 204',
            '}',
          ].filter((l): l is string => l !== null)
        : []),
    ),
    notes: [
      'These header operations are not deferred, so they are on the response before the upstream answers and stay on its 4xx/5xx too (deferred ones are skipped when an error occurs).',
      'If the upstream also sends Access-Control-* headers, the response gets two: remove them in reverse_proxy with header_down -Access-Control-Allow-Origin (and -Access-Control-Allow-Credentials).',
      ...(r.preflight
        ? [
            "basic_auth and forward_auth run before handle in Caddy's directive order: give them a matcher that leaves preflights out (e.g. @protected not method OPTIONS).",
          ]
        : []),
      ...problemNotes(r, {
        'duplicate-header':
          'The browser got two values: delete the other header Access-Control-Allow-Origin line, or, when the upstream sends one, add header_down -Access-Control-Allow-Origin in reverse_proxy.',
      }),
    ],
  };
}

export const STACKS_PROXIES = {
  headers: { label: 'HTTP headers', language: 'http', generate: rawHeaders },
  nginx: { label: 'nginx', language: 'nginx', generate: nginx },
  apache: { label: 'Apache (mod_headers)', language: 'apache', generate: apache },
  caddy: { label: 'Caddy', language: 'caddyfile', generate: caddy },
} as const satisfies Record<string, Stack>;
