/** CORS-safelisting, per the Fetch standard and Chromium's IsCorsSafelistedHeader (research notes, section 3). */
import { describe, expect, test } from 'vitest';
import { headers } from '../../test-support/exchange.ts';
import { normalizeMethod, preflightReasons, unsafeHeaderReason, unsafeRequestHeaders, utf8Length } from './safelist.ts';

describe('normalizeMethod', () => {
  test.each([
    ['get', 'GET'],
    ['delete', 'DELETE'],
    ['Put', 'PUT'],
    ['patch', 'patch'],
    ['PATCH', 'PATCH'],
    ['options', 'OPTIONS'],
  ])('%s -> %s', (input, output) => expect(normalizeMethod(input)).toBe(output));
});

describe('unsafeHeaderReason', () => {
  test.each([
    ['content-type', 'text/plain;charset=UTF-8', false],
    ['content-type', 'multipart/form-data; boundary=x', false],
    ['content-type', 'application/x-www-form-urlencoded', false],
    ['content-type', 'application/json', true],
    ['content-type', 'text/plain; x="a"', true],
    ['accept', 'application/json', false],
    ['accept', 'text/(html)', true],
    ['accept-language', 'en-US,en;q=0.9', false],
    ['accept-language', 'en_US', true],
    ['content-language', 'de', false],
    ['range', 'bytes=0-99', false],
    ['range', 'bytes=0-', false],
    ['range', 'bytes=-5', true],
    ['range', 'bytes=0-1,5-6', true],
    ['range', 'bytes=5-1', true],
    ['range', 'bytes=5-5', false],
    ['x-requested-with', 'XMLHttpRequest', true],
    ['authorization', 'Bearer x', true],
    ['accept', 'a'.repeat(129), true],
    ['accept', 'a'.repeat(128), false],
  ])('%s: %s -> unsafe %s', (name, value, unsafe) => {
    expect(unsafeHeaderReason(name, value) !== null).toBe(unsafe);
  });
});

describe('unsafeRequestHeaders', () => {
  test('ignores forbidden and browser-added headers, lower-cases, de-duplicates and sorts', () => {
    const list = headers({ 'X-B': '1', 'x-a': '1', Cookie: 'a=b', 'User-Agent': 'x', 'Sec-Fetch-Mode': 'cors', Accept: '*/*', 'X-b': '2' });
    expect(unsafeRequestHeaders(list).map((h) => h.name)).toEqual(['x-a', 'x-b']);
  });
  test('safelisted values longer than 1024 bytes together make them all unsafe', () => {
    const small = headers({ accept: 'a'.repeat(120), 'accept-language': 'b'.repeat(120), 'content-language': 'c'.repeat(120) });
    expect(unsafeRequestHeaders(small)).toEqual([]);
    const names = ['accept', 'accept-language', 'content-language'];
    const big = Array.from({ length: 9 }, (_, i) => ({ name: names[i % 3] as string, value: 'x'.repeat(120) }));
    expect(big.reduce((s, h) => s + utf8Length(h.value), 0)).toBe(1080);
    expect(unsafeRequestHeaders(big).map((h) => h.name)).toEqual(['accept', 'accept-language', 'content-language']);
    expect(unsafeRequestHeaders(big)[0]?.reason).toContain('1024');
  });
});

describe('preflightReasons', () => {
  test('a simple request needs none', () => {
    expect(preflightReasons('POST', headers({ 'content-type': 'text/plain' }))).toEqual([]);
  });
  test('method and each unsafe header are named', () => {
    const reasons = preflightReasons('PUT', headers({ 'content-type': 'application/json', 'x-id': '1' }));
    expect(reasons.map((r) => `${r.kind}:${r.name}`)).toEqual(['method:PUT', 'header:content-type', 'header:x-id']);
    expect(reasons[1]?.detail).toContain('application/json');
    // The detail names its header: the notes join several of them into one sentence.
    expect(reasons[2]?.detail).toMatch(/^header x-id: it is not one of the headers a simple request may carry/);
  });
});

test('utf8Length counts bytes', () => {
  expect(utf8Length('a')).toBe(1);
  expect(utf8Length('é')).toBe(2);
  expect(utf8Length('€')).toBe(3);
  expect(utf8Length('😀')).toBe(4);
});
