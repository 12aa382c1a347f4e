/**
 * Server-side fixes: one generator per stack, all written from the same Requirements, in the order the panel lists
 * them. Every snippet allows exactly the page's origin through an allowlist, sends credentials only when the page
 * does, lists the exact method and headers a preflight asks for, answers OPTIONS, sends Vary: Origin (or relies on a
 * library that does, and says so), and keeps the headers on error responses. The generators live in stacks/.
 */
import { STACKS_CLOUD } from './stacks/cloud.ts';
import type { Stack, StackId } from './stacks/common.ts';
import { STACKS_FRAMEWORKS } from './stacks/frameworks.ts';
import { STACKS_NODE } from './stacks/node.ts';
import { STACKS_PROXIES } from './stacks/proxies.ts';
import { STACKS_PYTHON } from './stacks/python.ts';

export type { ServerFix, SnippetLanguage, Stack, StackId } from './stacks/common.ts';
export { type ExpressCorsOptions, expressCorsOptions } from './stacks/node.ts';

export const STACKS: Readonly<Record<StackId, Stack>> = {
  headers: STACKS_PROXIES.headers,
  express: STACKS_NODE.express,
  nginx: STACKS_PROXIES.nginx,
  fastify: STACKS_NODE.fastify,
  koa: STACKS_NODE.koa,
  hono: STACKS_NODE.hono,
  apache: STACKS_PROXIES.apache,
  caddy: STACKS_PROXIES.caddy,
  django: STACKS_PYTHON.django,
  flask: STACKS_PYTHON.flask,
  fastapi: STACKS_PYTHON.fastapi,
  spring: STACKS_FRAMEWORKS.spring,
  aspnet: STACKS_FRAMEWORKS.aspnet,
  go: STACKS_FRAMEWORKS.go,
  rails: STACKS_FRAMEWORKS.rails,
  cloudflare: STACKS_CLOUD.cloudflare,
  apigateway: STACKS_CLOUD.apigateway,
  s3: STACKS_CLOUD.s3,
};

export const STACK_IDS = Object.keys(STACKS) as StackId[];
