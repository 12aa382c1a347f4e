/** Every stack the fix proof runs, in the panel's order. */
import type { Driver } from './api.ts';
import { go, rails } from './go-ruby.ts';
import { cloudflare, express, fastify, hono, koa } from './node-apps.ts';
import { apache, caddy, nginx } from './proxies.ts';
import { django, fastapi, flask } from './python-apps.ts';

export const DRIVERS: readonly Driver[] = [
  express,
  nginx,
  fastify,
  koa,
  hono,
  apache,
  caddy,
  django,
  flask,
  fastapi,
  go,
  rails,
  cloudflare,
];
