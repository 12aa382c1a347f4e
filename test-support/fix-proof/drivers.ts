/** Every stack the fix proof runs, in the panel's order. */
import type { Driver } from './api.ts';
import { apache, caddy, nginx } from './proxies.ts';

export const DRIVERS: readonly Driver[] = [nginx, apache, caddy];
