/**
 * The server stack a response reveals about itself, to propose that stack's fix first: the application framework
 * (X-Powered-By) before the web server or proxy in front of it (Server, Via), since the layer closest to the code
 * is usually the one that should send the CORS headers. Only headers the capture stored with their values count.
 */
import { headerValues } from '../headers.ts';
import type { Exchange, ResponseFacts } from '../model.ts';
import type { StackId } from './stacks/common.ts';

export interface DetectedStack {
  readonly stack: StackId;
  /** The header that told, and its value: shown to the user as the reason for the proposal. */
  readonly header: string;
  readonly value: string;
}

type Rule = readonly [RegExp, StackId];

/** Per header, in order of precedence; the first rule that matches a value wins. */
const RULES: readonly (readonly [string, readonly Rule[]])[] = [
  [
    'x-powered-by',
    [
      [/\bexpress\b/i, 'express'],
      [/\bkoa\b/i, 'koa'],
      [/\bhono\b/i, 'hono'],
      [/\bfastify\b/i, 'fastify'],
      [/asp\.net/i, 'aspnet'],
      [/\b(servlet|jsp|spring)\b/i, 'spring'],
    ],
  ],
  ['x-amz-apigw-id', [[/./, 'apigateway']]],
  ['apigw-requestid', [[/./, 'apigateway']]],
  [
    'server',
    [
      [/^(nginx|openresty)/i, 'nginx'],
      [/apache-coyote|jetty|tomcat/i, 'spring'],
      [/^apache/i, 'apache'],
      [/^caddy/i, 'caddy'],
      [/kestrel|microsoft-iis/i, 'aspnet'],
      [/werkzeug/i, 'flask'],
      [/uvicorn|hypercorn/i, 'fastapi'],
      [/wsgiserver/i, 'django'],
      [/puma|passenger|unicorn|webrick/i, 'rails'],
      [/^cloudflare/i, 'cloudflare'],
      [/amazons3/i, 's3'],
    ],
  ],
  [
    'via',
    [
      [/\bcaddy\b/i, 'caddy'],
      [/\bnginx\b/i, 'nginx'],
      [/\bapache\b/i, 'apache'],
    ],
  ],
];

/** Every response of the exchange, the one the verdict is about last (it wins a tie, being checked last). */
function responses(exchange: Exchange): ResponseFacts[] {
  const out: ResponseFacts[] = [];
  for (const hop of exchange.hops) {
    if (hop.preflight?.response) out.push(hop.preflight.response);
    if (hop.response) out.push(hop.response);
  }
  return out.reverse();
}

/** The stack the exchange's responses name, or null when they say nothing (or only their header names were kept). */
export function detectStack(exchange: Exchange): DetectedStack | null {
  const all = responses(exchange);
  for (const [header, rules] of RULES) {
    for (const response of all) {
      for (const value of headerValues(response.headers, header)) {
        if (value === '') continue;
        const rule = rules.find(([pattern]) => pattern.test(value));
        if (rule) return { stack: rule[1], header, value };
      }
    }
  }
  return null;
}
