/**
 * Platforms configured in code or JSON. Facts: Cloudflare Workers (responses from fetch() have immutable headers:
 * copy with new Response(body, response); a thrown error becomes a 500 without your headers); API Gateway HTTP API
 * CorsConfiguration (answers preflights itself, ignores the backend's CORS headers once set, $default route with an
 * authorizer needs an unauthenticated OPTIONS route); S3 bucket CORS (AllowedMethods only GET, PUT, HEAD, POST,
 * DELETE; Access-Control-Allow-Credentials: true sent for a named origin; Vary on successful CORS responses).
 */
import type { Requirements } from '../requirements.ts';
import {
  headerList,
  json,
  lines,
  methodList,
  neededMethod,
  PREFLIGHT_MAX_AGE,
  problemNotes,
  type ServerFix,
  type Stack,
  sq,
  sqs,
} from './common.ts';

function cloudflare(r: Requirements): ServerFix {
  const preflightHeaders = [
    `          'Access-Control-Allow-Methods': ${sq(methodList(r).join(', '))},`,
    ...(r.headers.length > 0 ? [`          'Access-Control-Allow-Headers': ${sq(headerList(r).join(', '))},`] : []),
    `          'Access-Control-Max-Age': '${PREFLIGHT_MAX_AGE}',`,
  ];
  return {
    stack: 'cloudflare',
    label: STACKS_CLOUD.cloudflare.label,
    language: 'javascript',
    where:
      "Your Worker's module: rename what your fetch handler does today to async function handle(request, env, ctx) { ... } and make this the export default. Access-Control-* headers handle() still sets are replaced, not doubled.",
    code: lines(
      `const ALLOWED_ORIGINS = [${sqs([r.origin])}];`,
      '',
      'export default {',
      '  async fetch(request, env, ctx) {',
      "    const origin = request.headers.get('Origin');",
      '    // Allowlist: the exact origin goes back only when it is listed.',
      '    const cors = ALLOWED_ORIGINS.includes(origin)',
      r.credentials
        ? "      ? { 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true' }"
        : "      ? { 'Access-Control-Allow-Origin': origin }",
      '      : {};',
      ...(r.preflight
        ? [
            "    if (request.method === 'OPTIONS' && request.headers.has('Access-Control-Request-Method')) {",
            '      return new Response(null, {',
            '        status: 204,',
            '        headers: {',
            '          ...cors,',
            "          Vary: 'Origin',",
            ...preflightHeaders,
            '        },',
            '      });',
            '    }',
          ]
        : []),
      '    let response;',
      '    try {',
      '      response = await handle(request, env, ctx);',
      '    } catch {',
      '      // A thrown error would become a 500 without CORS headers: answer it here so it gets them.',
      "      response = new Response('Internal Server Error', { status: 500 });",
      '    }',
      '    // Responses from fetch() have immutable headers: copy before editing.',
      '    response = new Response(response.body, response);',
      "    // Replace what handle() may set: a leftover '*' would still let every other origin read the response.",
      "    response.headers.delete('Access-Control-Allow-Origin');",
      "    response.headers.delete('Access-Control-Allow-Credentials');",
      '    for (const [name, value] of Object.entries(cors)) response.headers.set(name, value);',
      "    response.headers.append('Vary', 'Origin');",
      '    return response;',
      '  },',
      '};',
    ),
    notes: [
      'The Access-Control-Allow-Origin and -Credentials that handle() or your origin server send are replaced, so the response never carries two, nor a leftover *.',
      ...problemNotes(r, {
        'options-rejected': 'The Worker answers OPTIONS itself, before handle() and any authentication in it.',
        'duplicate-header':
          'headers.set (not append) replaces any Access-Control-Allow-Origin your origin server sends, so only one value reaches the browser.',
      }),
    ],
  };
}

function apigateway(r: Requirements): ServerFix {
  const config: Record<string, unknown> = {
    AllowOrigins: [r.origin],
    ...(r.credentials ? { AllowCredentials: true } : {}),
    AllowMethods: methodList(r),
    ...(r.headers.length > 0 ? { AllowHeaders: headerList(r) } : {}),
    ...(r.preflight ? { MaxAge: PREFLIGHT_MAX_AGE } : {}),
  };
  return {
    stack: 'apigateway',
    label: STACKS_CLOUD.apigateway.label,
    language: 'json',
    where: 'cors.json for aws apigatewayv2 update-api --api-id <api-id> --cors-configuration file://cors.json (HTTP APIs).',
    code: json(config),
    notes: [
      'The gateway answers preflights itself and picks the allowed origin per request; if a cache such as CloudFront sits in front, add Origin to its cache key (the equivalent of Vary: Origin).',
      'Once this is set, API Gateway ignores CORS headers from your backend (Lambda included): configure them here only.',
      ...problemNotes(r, {
        'options-rejected':
          'With an authorizer on the $default (or ANY) route, preflights hit the authorizer: add an OPTIONS /{proxy+} route without authorization.',
        'duplicate-header':
          "Only one layer may send Access-Control-Allow-Origin: with CorsConfiguration set the gateway drops the backend's copy, so a second one comes from a layer in front (CloudFront, a proxy): remove it there.",
      }),
    ],
  };
}

const S3_METHODS = ['GET', 'PUT', 'HEAD', 'POST', 'DELETE'];

function s3(r: Requirements): ServerFix {
  const methods = methodList(r, { upper: true });
  const unsupported = methods.filter((m) => !S3_METHODS.includes(m));
  const rule: Record<string, unknown> = {
    AllowedOrigins: [r.origin],
    AllowedMethods: methods.filter((m) => S3_METHODS.includes(m)),
    ...(r.headers.length > 0 ? { AllowedHeaders: headerList(r) } : {}),
    ...(r.preflight ? { MaxAgeSeconds: PREFLIGHT_MAX_AGE } : {}),
  };
  return {
    stack: 's3',
    label: STACKS_CLOUD.s3.label,
    language: 'json',
    where:
      'cors.json for aws s3api put-bucket-cors --bucket <bucket> --cors-configuration file://cors.json (in the S3 console, paste only the list inside CORSRules).',
    code: json({ CORSRules: [rule] }),
    notes: [
      ...(r.credentials
        ? [
            'S3 has no credentials switch: for an origin listed by name (never a wildcard) it sends Access-Control-Allow-Credentials: true itself.',
          ]
        : []),
      "S3 adds a Vary header to successful CORS responses. Behind CloudFront, add Origin to the cache key (or an origin request policy that forwards it), or one origin gets another's cached headers.",
      ...(unsupported.length > 0
        ? [`S3 CORS rules allow only GET, PUT, HEAD, POST and DELETE: ${unsupported.join(', ')} cannot be allowed on a bucket.`]
        : []),
      ...problemNotes(r, {
        'lowercase-method': `fetch sends '${neededMethod(r)}' exactly as the page wrote it, and S3 rules take only upper-case method names, so '${neededMethod(r)}' cannot be allowed${
          S3_METHODS.includes(neededMethod(r).toUpperCase()) ? `: change the page to '${neededMethod(r).toUpperCase()}'` : ''
        }.`,
        'options-rejected':
          'S3 refuses a preflight that matches no rule with 403: the rule above lists the exact origin, method and headers.',
        'duplicate-header':
          'S3 already sends Access-Control-Allow-Origin: if CloudFront or another proxy adds one too, remove it there, so only one value reaches the browser.',
      }),
    ],
  };
}

export const STACKS_CLOUD = {
  cloudflare: { label: 'Cloudflare Workers', language: 'javascript', generate: cloudflare },
  apigateway: { label: 'AWS API Gateway (HTTP API)', language: 'json', generate: apigateway },
  s3: { label: 'AWS S3 bucket', language: 'json', generate: s3 },
} as const satisfies Record<string, Stack>;
