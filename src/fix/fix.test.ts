/**
 * Fixes are filled in with the real origin, method and headers, follow the secure pattern (allowlist, Vary: Origin,
 * never '*' with credentials) and only offer client-side changes that are honest for the failure.
 */
import { describe, expect, test } from 'vitest';
import { exchange, PAGE } from '../../test-support/exchange.ts';
import { diagnose } from '../diagnose.ts';
import { STACK_IDS, suggestFixes } from './index.ts';

const ECHO = { 'access-control-allow-origin': PAGE };
const fixesFor = (spec: Parameters<typeof exchange>[0]) => {
  const ex = exchange(spec);
  return suggestFixes(ex, diagnose(ex));
};

describe('server fixes', () => {
  test('the seed failure: credentials allowed for the exact origin, on every stack', () => {
    const { server } = fixesFor({ credentials: 'include', response: { headers: ECHO } });
    expect(server.map((f) => f.stack)).toEqual(STACK_IDS);
    expect(STACK_IDS.slice(0, 3)).toEqual(['headers', 'express', 'nginx']);
    for (const f of server) {
      expect(f.code).toContain(PAGE);
      expect(f.code).not.toMatch(/Allow-Origin:?\s*["']?\*/);
      // JSON configurations cannot carry a comment: there the notes say who sends Vary.
      expect(`${f.code}\n${f.notes.join('\n')}`).toMatch(/Vary/);
    }
    expect(server[0]?.code).toContain('Access-Control-Allow-Credentials: true');
    expect(server[1]?.code).toContain('credentials: true');
    expect(server[2]?.code).toContain('add_header Access-Control-Allow-Credentials true always;');
  });
  test('no credentials, no Allow-Credentials', () => {
    const { server } = fixesFor({ response: { headers: {} } });
    // Snippets may remove an Access-Control-Allow-Credentials already sent; none grants it.
    for (const f of server)
      expect(f.code).not.toMatch(/credentials:\s*true|Credentials\W+true|CREDENTIALS = True|AllowCredentials\(|credentials=True/i);
  });
  test('a preflighted request gets its exact method and headers, and OPTIONS handling', () => {
    const { server } = fixesFor({
      method: 'PUT',
      preflight: {
        requestHeaders: { 'access-control-request-headers': 'content-type,x-request-id' },
        headers: { ...ECHO, 'access-control-allow-methods': 'PUT' },
      },
    });
    const [headers, express, nginx] = server;
    expect(headers?.code).toContain('Access-Control-Allow-Methods: GET, HEAD, POST, PUT');
    expect(headers?.code).toContain('Access-Control-Allow-Headers: Content-Type, x-request-id');
    expect(express?.code).toContain('allowedHeaders: ["Content-Type","x-request-id"]');
    expect(nginx?.code).toContain('if ($request_method = OPTIONS)');
    expect(nginx?.code).toContain('return 204;');
  });
  test('a lower-case method is allowed as sent, and the page fix upper-cases it', () => {
    const fixes = fixesFor({ method: 'patch', preflight: { headers: ECHO } });
    expect(fixes.server[0]?.code).toContain('Access-Control-Allow-Methods: GET, HEAD, POST, patch');
    expect(fixes.client.find((c) => c.id === 'uppercase-method')?.code).toContain("method: 'PATCH'");
  });
  test('duplicate Allow-Origin points at the proxy', () => {
    const { server } = fixesFor({ response: { headers: { 'access-control-allow-origin': [PAGE, PAGE] } } });
    expect(server.find((f) => f.stack === 'nginx')?.notes.join(' ')).toContain('proxy_hide_header');
  });
});

describe('client fixes', () => {
  test('dropping credentials is offered for credential failures, in the API the page used', () => {
    expect(fixesFor({ initiator: 'xhr', credentials: 'include', response: { headers: ECHO } }).client[0]?.code).toContain(
      'withCredentials = false',
    );
    expect(fixesFor({ initiator: 'eventsource', credentials: 'include', response: { headers: ECHO } }).client[0]?.code).toContain(
      'new EventSource(',
    );
    expect(fixesFor({ credentials: 'include', response: { headers: ECHO } }).client[0]?.code).toContain("credentials: 'omit'");
  });
  test('and not for a missing Allow-Origin, where only the server (or a dev proxy) can help', () => {
    expect(fixesFor({ response: { headers: {} } }).client.map((c) => c.id)).toEqual(['dev-proxy']);
  });
  test('nothing to fix for a pass', () => {
    expect(fixesFor({ response: { headers: ECHO }, error: null })).toEqual({ server: [], client: [] });
  });
});
