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
        `            add_header Access-Control-Allow-Methods "${methodList(r, { upper: true }).join(', ')}" always;`,
        ...(r.headers.length > 0 ? [`            add_header Access-Control-Allow-Headers "${headerList(r).join(', ')}" always;`] : []),
        `            add_header Access-Control-Max-Age ${PREFLIGHT_MAX_AGE} always;`,
        '            return 204;',
        '        }',
      ]
    : [];
  return {
    stack: 'nginx',
    label: STACKS_PROXIES.nginx.label,
    language: 'nginx',
    where: 'nginx.conf: the map in the http block, the rest in the location that serves the API.',
    code: lines(
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
    ),
    notes: [
      '"always" makes nginx add the headers to error responses too; without it they appear only on 2xx/3xx.',
      'add_header inside if or a nested location drops every add_header inherited from outer blocks: keep them together as above.',
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

function apache(r: Requirements): ServerFix {
  const set = (name: string, value: string) => `Header always set ${name} "${value}" env=CORS_ORIGIN`;
  return {
    stack: 'apache',
    label: STACKS_PROXIES.apache.label,
    language: 'apache',
    where: 'The <VirtualHost> that serves the API (mod_setenvif, mod_headers and, for preflights, mod_rewrite).',
    code: lines(
      `# Allowlist: CORS_ORIGIN is set only when Origin is exactly ${r.origin}.`,
      `SetEnvIf Origin "^(${regexEscape(r.origin)})$" CORS_ORIGIN=$1`,
      '# "always": on error responses (4xx/5xx) too, not only on 2xx.',
      set('Access-Control-Allow-Origin', '%{CORS_ORIGIN}e'),
      r.credentials && set('Access-Control-Allow-Credentials', 'true'),
      'Header always merge Vary Origin',
      r.preflight && set('Access-Control-Allow-Methods', methodList(r).join(', ')),
      r.preflight && r.headers.length > 0 && set('Access-Control-Allow-Headers', headerList(r).join(', ')),
      r.preflight && set('Access-Control-Max-Age', String(PREFLIGHT_MAX_AGE)),
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
      ...(r.preflight
        ? [
            'In the <VirtualHost> the rewrite answers OPTIONS before authentication. Inside <Directory>, <Location> or .htaccess it runs after it: exempt preflights there, e.g. <LimitExcept OPTIONS> Require valid-user </LimitExcept>.',
          ]
        : []),
      ...problemNotes(r, {
        'duplicate-header':
          "If the proxied application also sends Access-Control-Allow-Origin, it lands in the other header table and the browser gets two values: drop the application's copies with Header unset Access-Control-Allow-Origin (and Access-Control-Allow-Credentials), or remove them from the application.",
      }),
    ],
  };
}

function caddy(r: Requirements): ServerFix {
  const origin = `"${r.origin}"`;
  return {
    stack: 'caddy',
    label: STACKS_PROXIES.caddy.label,
    language: 'caddyfile',
    where: 'Caddyfile: inside the site block that serves the API, above reverse_proxy / file_server.',
    code: lines(
      '# Allowlist: the headers go only to this exact Origin.',
      `@cors_origin header Origin ${r.origin}`,
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
            `\theader Origin ${r.origin}`,
            '}',
            'handle @cors_preflight {',
            `\theader Access-Control-Allow-Methods "${methodList(r).join(', ')}"`,
            r.headers.length > 0 ? `\theader Access-Control-Allow-Headers "${headerList(r).join(', ')}"` : null,
            `\theader Access-Control-Max-Age "${PREFLIGHT_MAX_AGE}"`,
            '\trespond 204',
            '}',
          ].filter((l): l is string => l !== null)
        : []),
    ),
    notes: [
      'These header operations are not deferred, so they are on the response before the upstream answers and stay on its 4xx/5xx too (deferred ones are skipped when an error occurs).',
      ...(r.preflight
        ? [
            "basic_auth and forward_auth run before handle in Caddy's directive order: give them a matcher that leaves preflights out (e.g. @protected not method OPTIONS).",
          ]
        : []),
      ...problemNotes(r, {
        'duplicate-header':
          'If the upstream also sends Access-Control-* headers, the response gets two: remove them in reverse_proxy with header_down -Access-Control-Allow-Origin (and -Access-Control-Allow-Credentials).',
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
