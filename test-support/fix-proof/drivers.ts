/** Every stack the fix proof runs, in the panel's order. */
import type { Driver } from './api.ts';
import { cloudflare, express, fastify, hono, koa } from './node-apps.ts';
import { apache, caddy, nginx } from './proxies.ts';

export const DRIVERS: readonly Driver[] = [express, nginx, fastify, koa, hono, apache, caddy, cloudflare];
