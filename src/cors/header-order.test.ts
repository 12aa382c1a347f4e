/**
 * Blink's header-map order. Expectations are orders Chromium 156 produced (request headers on the wire, and the
 * header Chromium named in HeaderDisallowedByPreflightResponse), as recorded in the conformance corpus.
 */
import { describe, expect, test } from 'vitest';
import { headers } from '../../test-support/exchange.ts';
import { blinkHeaderOrder, caseFoldingHash, hashMapOrder, inCheckOrder } from './header-order.ts';

const BLINK = ['sec-ch-ua', 'sec-ch-ua-mobile', 'sec-ch-ua-platform', 'user-agent'];

describe('hashMapOrder', () => {
  test('reproduces the order Chromium sent the headers in', () => {
    // fetch(u, {headers: {a1..a8}}) from http://localhost to http://127.0.0.1: the request line's headers on the wire.
    const page = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8'];
    expect(hashMapOrder([...page, ...BLINK])).toEqual([
      'sec-ch-ua-platform',
      'sec-ch-ua',
      'a3',
      'a8',
      'sec-ch-ua-mobile',
      'a5',
      'a7',
      'a4',
      'user-agent',
      'a2',
      'a6',
      'a1',
    ]);
  });
  test('depends on the table size, so on every name in the map', () => {
    const page = ['x-alpha', 'x-mid', 'x-zeta'];
    // Seven names: 16 slots. On the wire x-mid comes before x-alpha...
    expect(hashMapOrder([...page, ...BLINK]).filter((n) => page.includes(n))).toEqual(['x-zeta', 'x-mid', 'x-alpha']);
    // ...while DevTools, which shows Referer in the same map (eight names: 32 slots), lists x-alpha first.
    expect(hashMapOrder([...page, ...BLINK, 'referer']).filter((n) => page.includes(n))).toEqual(['x-zeta', 'x-alpha', 'x-mid']);
  });
  test('is keyed case-insensitively', () => {
    expect(caseFoldingHash('X-Zeta')).toBe(caseFoldingHash('x-zeta'));
    expect(hashMapOrder(['X-B', 'x-a', 'x-b'])).toEqual(hashMapOrder(['x-a', 'x-b']));
  });
  test('never hashes to 0 and keeps 24 bits', () => {
    for (const name of ['a', 'x-a', 'content-type', 'x-request-correlation-identifier-0001', 'x'.repeat(200)]) {
      const h = caseFoldingHash(name);
      expect(h).toBeGreaterThan(0);
      expect(h).toBeLessThan(2 ** 24);
    }
  });
});

describe('blinkHeaderOrder', () => {
  test("Blink's own list decides: Referer is not in the map, the client hints and User-Agent are", () => {
    const order = blinkHeaderOrder({
      requestHeaders: headers({
        foo: '1',
        bar: '1',
        baz: '1',
        qux: '1',
        Referer: 'http://localhost:8801/',
        'User-Agent': 'UA',
        ...Object.fromEntries(BLINK.slice(0, 3).map((n) => [n, '?'])),
      }),
      requested: ['bar', 'baz', 'foo', 'qux'],
      url: 'http://127.0.0.1:8802/x',
    });
    expect(order).not.toContain('referer');
    // Recorded: m-several-foo-bar-baz-qux, Chromium names baz.
    expect(inCheckOrder(['bar', 'baz', 'foo', 'qux'], order)[0]).toBe('baz');
  });
  test('with only the preflight names known, Blink adds User-Agent, and client hints for a potentially trustworthy URL', () => {
    const requested = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8'];
    const trustworthy = blinkHeaderOrder({ requestHeaders: [], requested, url: 'http://127.0.0.1:8802/x' });
    expect([...trustworthy].sort()).toEqual([...requested, ...BLINK].sort());
    // Recorded: m-several-a1-a8 names a3; m-insecure-page-a1-a8-refused (http://api.test) names a3 too.
    expect(inCheckOrder(requested, trustworthy)[0]).toBe('a3');
    const insecure = blinkHeaderOrder({ requestHeaders: [], requested, url: 'http://api.test:8802/x' });
    expect([...insecure].sort()).toEqual([...requested, 'user-agent'].sort());
    expect(inCheckOrder(requested, insecure)[0]).toBe('a3');
    // Recorded: m-insecure-page-twelve-refused names h04.
    const twelve = Array.from({ length: 12 }, (_, i) => `h${String(i + 1).padStart(2, '0')}`);
    expect(inCheckOrder(twelve, blinkHeaderOrder({ requestHeaders: [], requested: twelve, url: 'http://api.test:8802/x' }))[0]).toBe('h04');
  });
});

test('inCheckOrder puts names the map does not hold last, in their own order', () => {
  expect(inCheckOrder(['z', 'x-a', 'y'], ['x-a'])).toEqual(['x-a', 'z', 'y']);
});
