/** Preflight parsing and matching, per Chromium's preflight_result.cc (see the research notes, section 5). */
import { describe, expect, test } from 'vitest';
import { firstDisallowedHeader, methodAllowed, parseAllowList } from './preflight.ts';

describe('parseAllowList', () => {
  test.each([
    [null, { ok: true, items: [] }],
    ['', { ok: true, items: [] }],
    [' , ,', { ok: true, items: [] }],
    ['PUT, DELETE', { ok: true, items: ['PUT', 'DELETE'] }],
    ['PUT,\tpatch ', { ok: true, items: ['PUT', 'patch'] }],
    ['PUT PATCH', { ok: false, badToken: 'PUT PATCH' }],
    ['PUT;', { ok: false, badToken: 'PUT;' }],
    ['"PUT"', { ok: false, badToken: '"PUT"' }],
    ['x-a, x:b', { ok: false, badToken: 'x:b' }],
  ])('%j', (value, expected) => {
    expect(parseAllowList(value)).toEqual(expected);
  });
});

describe('methodAllowed', () => {
  test('safelisted methods always pass, whatever the list', () => {
    for (const m of ['GET', 'HEAD', 'POST']) expect(methodAllowed(m, [], 'include')).toBe(true);
  });
  test('the match is exact and case-sensitive: patch needs patch', () => {
    expect(methodAllowed('PATCH', ['PATCH'], 'omit')).toBe(true);
    expect(methodAllowed('patch', ['PATCH'], 'omit')).toBe(false);
    expect(methodAllowed('patch', ['patch'], 'omit')).toBe(true);
    expect(methodAllowed('PATCH', ['patch'], 'omit')).toBe(false);
  });
  test('* is a wildcard only without credentials', () => {
    expect(methodAllowed('DELETE', ['*'], 'same-origin')).toBe(true);
    expect(methodAllowed('DELETE', ['*'], 'include')).toBe(false);
  });
});

describe('firstDisallowedHeader', () => {
  test('names compare case-insensitively', () => {
    expect(firstDisallowedHeader(['x-token'], ['X-Token'], 'omit')).toBeNull();
  });
  test('reports the first missing name in the order given', () => {
    expect(firstDisallowedHeader(['content-type', 'x-a', 'x-b'], ['content-type'], 'omit')).toBe('x-a');
  });
  test('* covers everything without credentials, Authorization included (Chromium default)', () => {
    expect(firstDisallowedHeader(['authorization', 'x-a'], ['*'], 'omit')).toBeNull();
  });
  test('* is a literal name with credentials', () => {
    expect(firstDisallowedHeader(['x-a'], ['*'], 'include')).toBe('x-a');
  });
});
