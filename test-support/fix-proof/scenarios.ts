/**
 * The failures every stack's snippet is proven on: each is made for real from the page against the test API
 * (cors-server.ts answers as its query says), recorded by the extension, and the snippet the panel offers for that
 * record is what the proof applies. Paths follow the proof API (api.ts), so the same request replayed against a
 * real server meets the same route.
 */
import { type Call, scenarioUrl } from '../browser/calls.ts';
import { API_KEY } from './api.ts';

const ECHO = { 'access-control-allow-origin': '$ORIGIN' };

export interface FixScenario {
  readonly id: string;
  readonly name: string;
  /** The failing call against the test API at `api`. */
  readonly call: (api: string) => Call;
}

/** A scenario URL on the test API with the proof API's path. */
const at = (path: string, url: string): string => url.replace('/cors?', `${path}?`);

export const FIX_SCENARIOS: readonly FixScenario[] = [
  {
    id: 'seed',
    name: 'credentialed fetch without Access-Control-Allow-Credentials',
    call: (api) => ({ api: 'fetch', credentials: true, url: at('/api/items', scenarioUrl(api, { h: ECHO }, 'proof-seed')) }),
  },
  {
    id: 'refused-preflight',
    name: 'credentialed PUT with a custom header, preflight refused by authentication (401)',
    call: (api) => ({
      api: 'fetch',
      credentials: true,
      method: 'PUT',
      headers: { 'x-api-key': API_KEY },
      url: at('/api/private', scenarioUrl(api, { ps: 401, p: {}, h: ECHO }, 'proof-401')),
    }),
  },
  {
    id: 'wildcard',
    name: "credentialed fetch answered with Access-Control-Allow-Origin '*'",
    call: (api) => ({
      api: 'fetch',
      credentials: true,
      url: at('/api/items', scenarioUrl(api, { h: { 'access-control-allow-origin': '*' } }, 'proof-star')),
    }),
  },
  {
    id: 'error',
    name: 'error status (500) without CORS headers',
    call: (api) => ({ api: 'fetch', credentials: false, url: at('/api/boom', scenarioUrl(api, { s: 500, h: {} }, 'proof-500')) }),
  },
  {
    id: 'preflight-405',
    name: 'JSON PUT whose preflight is answered 405 (OPTIONS not routed)',
    call: (api) => ({
      api: 'fetch',
      credentials: false,
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      url: at('/api/put-only', scenarioUrl(api, { ps: 405, p: {} }, 'proof-405')),
    }),
  },
];
