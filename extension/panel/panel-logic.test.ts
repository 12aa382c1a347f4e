import { describe, expect, test } from 'vitest';
import { recordDiagnosis, toRecord } from '../../src/capture/records.ts';
import { captured, exchange, PAGE } from '../../test-support/exchange.ts';
import { countsOf } from './counts.ts';
import { FilterIndex, type FilterKey, type FilterTerm, parseFilter } from './filter.ts';
import { buildItems, moveSelection } from './grouping.ts';
import {
  codeOf,
  filterFields,
  filterRecords,
  groupKey,
  navigationKey,
  plural,
  reasonOf,
  type ShownRecord,
  splitUrl,
  statusOf,
  titleOf,
} from './record-view.ts';

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
  const shown = (q: string) => filterRecords(rows, parseFilter(q)).map((r) => r.id);

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
    // No value holds a line break (a quote ends there): a word search never spans two words or records.
    expect(parseFilter('"get\nhttps" x')).toEqual([
      { key: 'text', value: 'get', negate: false },
      { key: 'text', value: 'https"', negate: false },
      { key: 'text', value: 'x', negate: false },
    ]);
  });
});

describe('filter index (what a keystroke searches)', () => {
  const log = [
    missing('1'),
    preflightFail('2'),
    record('3', { url: 'https://other.example/a', response: { status: 500, headers: {} } }),
    warning('4'),
    record('5', { response: null, error: 'net::ERR_CONNECTION_REFUSED' }),
    record('6', { method: 'DELETE', url: 'http://127.0.0.1:8802/x', requestHeaders: { 'x-request-id': 'zz' } }),
    missing('7', 'https://api.example/v1/items/40?page=4'),
    record('8', { method: 'POST', response: { status: 404, headers: { 'access-control-allow-origin': '*' } } }),
  ];
  const fields = log.map(filterFields);
  const index = new FilterIndex(fields);
  const byIndex = (q: string) => [...index.match(parseFilter(q))].flatMap((keep, i) => (keep ? [(log[i] as ShownRecord).id] : []));
  // The filter's meaning written plainly, record by record, with the header lines read from the record itself.
  const headerLines = ({ exchange: x }: ShownRecord) =>
    [
      x.request.headers,
      ...x.hops.flatMap((h) => [h.requestHeaders, h.response?.headers, h.preflight?.requestHeaders, h.preflight?.response?.headers]),
    ]
      .flatMap((list) => list ?? [])
      .map((h) => `${h.name}: ${h.value}`.toLowerCase());
  const words = (r: ShownRecord) =>
    [r.exchange.request.method, r.exchange.request.url, titleOf(r), reasonOf(r), codeOf(r), String(statusOf(r) ?? ''), r.kind].map((w) =>
      w.toLowerCase(),
    );
  const holdsPlainly = ({ key, value }: FilterTerm, r: ShownRecord) => {
    const f = filterFields(r);
    if (key === 'text') return words(r).some((w) => w.includes(value)) || headerLines(r).some((line) => line.includes(value));
    if (key === 'status') return f.status.startsWith(value);
    if (key === 'method') return f.method === value;
    return f[key].includes(value);
  };
  const byRecord = (q: string) => log.filter((r) => parseFilter(q).every((t) => holdsPlainly(t, r) !== t.negate)).map((r) => r.id);

  test('gives what testing each record gives, for every field, prefix, negation and combination', () => {
    // Filters made of the log's own values: whole values, their starts, middles and ends.
    const values = new Set<string>(['a', '4', '40', '/4', 'zz', 'nothing-like-it', 'e\n', '"get\nhttps"']);
    for (const f of fields) {
      for (const v of [f.code, f.status, f.method, f.host, f.kind, ...f.text.split('\n')]) {
        if (v === '') continue;
        values.add(v);
        values.add(v.slice(0, 2));
        values.add(v.slice(1, 4));
        values.add(v.slice(-2));
      }
    }
    const keys: (FilterKey | '')[] = ['', 'code', 'status', 'method', 'host', 'kind'];
    const filters: string[] = [];
    for (const v of values) {
      const quoted = /\s/.test(v) ? `"${v}"` : v;
      for (const k of keys) for (const neg of ['', '-']) filters.push(`${neg}${k ? `${k}:` : ''}${quoted}`);
    }
    for (let i = 0; i + 1 < filters.length; i += 7) filters.push(`${filters[i]} ${filters[i + 1]}`);
    let differing = 0;
    for (const q of filters) if (byIndex(q).join() !== byRecord(q).join()) differing++;
    expect(differing).toBe(0);
    // The comparison is not vacuous: the filters select different, non-trivial subsets.
    expect(new Set(filters.map((q) => byRecord(q).join())).size).toBeGreaterThan(20);
    expect(filters.length).toBeGreaterThan(500);
  });
  test('header names and values shared by many records; an empty log', () => {
    expect(byIndex('x-request-id')).toEqual(['2', '6']);
    expect(byIndex('-x-request-id')).toEqual(['1', '3', '4', '5', '7', '8']);
    expect(byIndex('origin: *')).toEqual(['8']);
    expect(byIndex('"access-control-allow-origin: *"')).toEqual(['8']);
    expect(byIndex('method:delete /x')).toEqual(['6']);
    expect(byIndex('status:40')).toEqual(['2', '8']);
    expect(byIndex('/4')).toEqual(['7']);
    expect([...new FilterIndex([]).match(parseFilter('a'))]).toEqual([]);
  });
  test('a log of several blocks: a match at the edge of a block, in the last record, in none', () => {
    // 700 records (the index searches words 256 records at a time), URLs numbered so that "/25" and "/51" find
    // records on both sides of the first and second block edges.
    const big = Array.from({ length: 700 }, (_, i) =>
      i % 5 === 0 ? preflightFail(`p${i}`) : missing(`m${i}`, `https://api.example/v1/items/${i}`),
    );
    const bigIndex = new FilterIndex(big.map(filterFields));
    for (const q of ['/25', '/51', '/699', 'items/255', 'items/256', '-/25', '401', 'x-request-id -method:put', 'nowhere']) {
      const expected = big.filter((r) => parseFilter(q).every((t) => holdsPlainly(t, r) !== t.negate)).map((r) => r.id);
      const got = [...bigIndex.match(parseFilter(q))].flatMap((keep, i) => (keep ? [(big[i] as ShownRecord).id] : []));
      expect(got, q).toEqual(expected);
    }
    expect([...bigIndex.match(parseFilter('/699'))].reduce((a, b) => a + b, 0)).toBe(1);
    // The log a moment later (a record replaced, records added at the end, then one taken out): an index built from
    // the earlier one gives what a fresh one gives.
    const later = [...big];
    later[300] = preflightFail('replaced');
    later.push(...Array.from({ length: 100 }, (_, i) => missing(`n${i}`, `https://api.example/v1/items/25${i}`)));
    const fewer = later.filter((r) => r.id !== 'm3');
    for (const [log, from] of [
      [later, bigIndex],
      [fewer, new FilterIndex(later.map(filterFields), bigIndex)],
    ] as const) {
      const kept = new FilterIndex(log.map(filterFields), from);
      const fresh = new FilterIndex(log.map(filterFields));
      for (const q of ['/25', '401', '-x-request-id', 'items/300', 'items/2599'])
        expect(kept.match(parseFilter(q)), q).toEqual(fresh.match(parseFilter(q)));
    }
  });
  test('the panel filters a log through its index, in order', () => {
    expect(filterRecords(log, parseFilter('-kind:cors')).map((r) => r.id)).toEqual(byRecord('-kind:cors'));
    expect(filterRecords(log, [])).toBe(log);
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
  test("a row without details has its full diagnosis's title, not the title of the exchange it holds", () => {
    for (const extra of [{ uncaptured: true }, { uncaptured: true, notWatched: true as const }]) {
      const r = preflightFail(`u${Object.keys(extra).length}`);
      const bare = { ...r, ...extra };
      expect(titleOf(bare)).toBe(recordDiagnosis(bare).title);
      expect(titleOf(bare)).not.toBe(titleOf(r));
    }
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
