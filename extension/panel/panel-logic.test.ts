import { describe, expect, test } from 'vitest';
import { toRecord } from '../../src/capture/records.ts';
import { captured, exchange, PAGE } from '../../test-support/exchange.ts';
import { countsOf } from './counts.ts';
import { matches, parseFilter } from './filter.ts';
import { buildItems, moveSelection } from './grouping.ts';
import { codeOf, filterFields, groupKey, navigationKey, plural, type ShownRecord, splitUrl, statusOf, titleOf } from './record-view.ts';

function record(id: string, spec: Parameters<typeof exchange>[0] = {}, extra: Partial<ShownRecord> = {}): ShownRecord {
  const r = toRecord({ ...captured(exchange(spec)), recordId: id });
  if (!r) throw new Error('not a record');
  return { ...r, ...extra };
}

const missing = (id: string, url = 'https://api.example/v1/items?x=1') => record(id, { url });
const preflightFail = (id: string) =>
  record(id, {
    method: 'PUT',
    url: 'https://api.example/v1/orders?t=9',
    requestHeaders: { 'x-request-id': 'abc' },
    preflight: { status: 401, headers: { 'access-control-allow-origin': PAGE } },
    response: null,
  });
/** A passing request with a warning: the capture's 'warning' kind, built here from a passing exchange. */
const warning = (id: string) =>
  record(
    id,
    {},
    {
      kind: 'warning',
      exchange: exchange({ response: { headers: { 'access-control-allow-origin': PAGE } }, error: null }),
    },
  );

describe('filter', () => {
  const rows = [missing('1'), preflightFail('2'), record('3', { url: 'https://other.example/a', response: { status: 500, headers: {} } })];
  const shown = (q: string) => rows.filter((r) => matches(parseFilter(q), filterFields(r))).map((r) => r.id);

  test('words match titles, codes, status, header names and values', () => {
    expect(shown('401')).toEqual(['2']);
    expect(shown('500')).toEqual(['3']);
    expect(shown('access-control-allow-origin')).toEqual(['1', '2']);
    expect(shown('x-request-id')).toEqual(['2']);
    expect(shown('missingallow')).toEqual(['1', '3']);
  });
  test('prefixes match one field; negation and quotes', () => {
    expect(shown('code:PreflightInvalidStatus')).toEqual(['2']);
    expect(shown('status:4')).toEqual(['2']);
    expect(shown('method:put')).toEqual(['2']);
    expect(shown('host:other')).toEqual(['3']);
    expect(shown('-host:other')).toEqual(['1', '2']);
    expect(shown('-code:Preflight method:GET')).toEqual(['1', '3']);
    expect(shown('"v1/items?x"')).toEqual(['1']);
    expect(shown('status: nope:x')).toEqual([]);
  });
  test('parsing', () => {
    expect(parseFilter('-status:5 foo "a b" bar:baz')).toEqual([
      { key: 'status', value: '5', negate: true },
      { key: 'text', value: 'foo', negate: false },
      { key: 'text', value: 'a b', negate: false },
      { key: 'text', value: 'bar:baz', negate: false },
    ]);
    expect(parseFilter('  code:  ')).toEqual([]);
  });
});

describe('rows', () => {
  test('identical failures (method, URL without query, code) group with a count; the latest is shown', () => {
    const recs = [
      missing('a', 'https://api.example/x?t=1'),
      preflightFail('b'),
      missing('c', 'https://api.example/x?t=2'),
      missing('d', 'https://api.example/y'),
    ];
    const items = buildItems(recs, {
      group: true,
      separators: false,
      idOf: (r) => r.id,
      timeOf: (r) => r.time,
      keyOf: groupKey,
      navigationOf: navigationKey,
    });
    expect(items.map((i) => (i.type === 'row' ? i.records.map((r) => r.id).join('+') : 'sep'))).toEqual(['a+c', 'b', 'd']);
    const ungrouped = buildItems(recs, {
      group: false,
      separators: false,
      idOf: (r) => r.id,
      timeOf: (r) => r.time,
      keyOf: groupKey,
      navigationOf: navigationKey,
    });
    expect(ungrouped.length).toBe(4);
  });
  test('a separator where a new page load begins, when preserved; groups never span loads', () => {
    const recs = [
      { ...missing('a'), documentId: 'D1', time: 1 },
      { ...missing('b'), documentId: 'D1', time: 2 },
      { ...missing('c'), documentId: 'D2', time: 3 },
      { ...missing('w'), documentId: null, frameId: -1, time: 4 },
    ];
    const items = buildItems(recs, {
      group: true,
      separators: true,
      idOf: (r) => r.id,
      timeOf: (r) => r.time,
      keyOf: groupKey,
      navigationOf: navigationKey,
    });
    expect(items.map((i) => (i.type === 'row' ? i.records.map((r) => r.id).join('+') : `sep@${i.time}#${i.load}`))).toEqual([
      'a+b',
      'sep@3#2',
      'c+w',
    ]);
  });
  test('keys move the selection; separators are not rows', () => {
    const ids = ['a', 'b', 'c', 'd', 'e'];
    expect(moveSelection(ids, null, 'ArrowDown', 2)).toBe('a');
    expect(moveSelection(ids, 'a', 'ArrowUp', 2)).toBe('a');
    expect(moveSelection(ids, 'b', 'ArrowDown', 2)).toBe('c');
    expect(moveSelection(ids, 'b', 'End', 2)).toBe('e');
    expect(moveSelection(ids, 'e', 'Home', 2)).toBe('a');
    expect(moveSelection(ids, 'a', 'PageDown', 3)).toBe('d');
    expect(moveSelection(ids, 'd', 'PageUp', 10)).toBe('a');
    expect(moveSelection(ids, 'a', 'x', 2)).toBeNull();
  });
  test('a row reads path and host apart, the status at fault, a plain title and the code', () => {
    expect(splitUrl('http://127.0.0.1:8802/api/x?y=1#z')).toEqual({ host: '127.0.0.1:8802', path: '/api/x?y=1#z' });
    expect(splitUrl('https://h.example')).toEqual({ host: 'h.example', path: '/' });
    const r = preflightFail('p');
    expect(statusOf(r)).toBe(401);
    expect(codeOf(r)).toBe('PreflightInvalidStatus');
    expect(titleOf(r)).toContain('401');
  });
});

describe('warnings and counts', () => {
  test("a passing request with warnings (kind 'warning') is shown apart and never counted as a failure", () => {
    const recs = [missing('1'), warning('w'), record('l', { response: null, error: 'net::ERR_CONNECTION_REFUSED' })];
    expect(recs.map((r) => r.kind)).toEqual(['cors', 'warning', 'lookalike']);
    expect(countsOf(recs)).toEqual({ failures: 1, lookalikes: 1, warnings: 1 });
    expect(codeOf(recs[1] as ShownRecord)).toBe('');
    expect(filterFields(recs[1] as ShownRecord).kind).toBe('warning');
  });
  test('words for counts', () => {
    expect(plural(1, 'CORS failure')).toBe('1 CORS failure');
    expect(plural(2, 'CORS failure')).toBe('2 CORS failures');
    expect(plural(0, 'warning')).toBe('0 warnings');
  });
});
