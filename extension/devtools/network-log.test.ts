import { describe, expect, test } from 'vitest';
import { LogReader, networkText, type RawEntry } from './network-log.ts';

test.each([
  ['plain ASCII', 'http://a.example', 'http://a.example'],
  ['UTF-8 of é, as DevTools shows it', 'http://cafÃ©.example', 'http://café.example'],
  ['UTF-8 of U+202E, as DevTools shows it (windows-1252)', 'http://a.exampleâ€®live.evil', 'http://a.example\u202Elive.evil'],
  ['a lone byte 0xE9: invalid UTF-8, a replacement character as Chromium sees it', 'http://caf\u00e9.example', 'http://caf\uFFFD.example'],
  ['not one byte per character: left alone', 'http://\u4e2d.example', 'http://\u4e2d.example'],
])('%s', (_, shown, network) => {
  expect(networkText(shown)).toBe(network);
});

describe('LogReader: DevTools log read only while wanted', () => {
  const T0 = Date.parse('2026-12-03T10:00:00.000Z');
  const entry = (url: string, startedAt: number, time: number, error: string | null = 'net::ERR_FAILED'): RawEntry => ({
    startedDateTime: new Date(startedAt).toISOString(),
    time,
    _resourceType: 'fetch',
    request: { method: 'GET', url, headers: [] },
    response: { status: error ? 0 : 200, headers: [], _error: error },
  });

  function setup() {
    let now = T0;
    const log: RawEntry[] = [];
    const listeners = new Set<(raw: RawEntry) => void>();
    const calls = { listen: 0, unlisten: 0, entries: 0 };
    const timers: { at: number; callback: () => void }[] = [];
    const taken: string[] = [];
    const reader = new LogReader(
      {
        listen: (l) => {
          calls.listen++;
          listeners.add(l);
        },
        unlisten: (l) => {
          calls.unlisten++;
          listeners.delete(l);
        },
        entries: async () => {
          calls.entries++;
          return [...log];
        },
      },
      (raw) => taken.push(raw.request?.url ?? ''),
      (ms, callback) => timers.push({ at: now + ms, callback }),
      () => now,
    );
    /** A request ends now: in DevTools' log, and to the listener if one is added. */
    const finish = (raw: RawEntry) => {
      log.push(raw);
      for (const l of listeners) l(raw);
    };
    const advance = (ms: number) => {
      now += ms;
      for (const t of timers.splice(0).sort((a, b) => a.at - b.at)) {
        if (t.at <= now) t.callback();
        else timers.push(t);
      }
    };
    return { reader, finish, advance, calls, taken, listeners, at: () => now };
  }

  test('nothing is read until the worker asks; asked, the entries that ended since it started are taken once', async () => {
    const { reader, finish, advance, calls, taken } = setup();
    finish(entry('http://api.example/before-start', T0 - 60_000, 10));
    advance(5_000);
    // A failed request and the preflight that went before it: the exchange the worker needs.
    finish({ ...entry('http://api.example/failed', T0 + 4_980, 5, null), _resourceType: 'preflight' });
    finish(entry('http://api.example/failed', T0 + 4_990, 10));
    // Passed (or still receiving its body): not a failure's, and it would come to the listener when it ends.
    finish(entry('http://api.example/passed', T0 + 4_995, 3, null));
    expect(calls).toEqual({ listen: 0, unlisten: 0, entries: 0 });
    expect(taken).toEqual([]);

    reader.want(30_000);
    expect(reader.reading).toBe(true);
    expect(calls.listen).toBe(1);
    await Promise.resolve();
    await Promise.resolve();
    expect(taken).toEqual(['http://api.example/failed', 'http://api.example/failed']);
    // The same entry handed to the listener too (it ended while the catch-up ran) is not taken twice.
    finish(entry('http://api.example/failed', T0 + 4_990, 10));
    finish(entry('http://api.example/next', T0 + 5_100, 10));
    expect(taken).toEqual(['http://api.example/failed', 'http://api.example/failed', 'http://api.example/next']);
  });

  test('reading stops when the time asked for runs out, and the next catch-up takes what ended meanwhile, not before', async () => {
    const { reader, finish, advance, calls, taken } = setup();
    reader.want(1_000);
    await Promise.resolve();
    advance(999);
    expect(reader.reading).toBe(true);
    advance(20);
    expect(reader.reading).toBe(false);
    expect(calls.unlisten).toBe(1);
    finish(entry('http://api.example/unread', T0 + 1_100, 5));
    advance(10_000);
    // Ended long before reading stopped: taken by no catch-up.
    finish(entry('http://api.example/old', T0 - 10_000, 5));
    expect(taken).toEqual([]);
    finish(entry('http://api.example/failed-later', T0 + 11_000, 5));
    reader.want(1_000);
    await Promise.resolve();
    await Promise.resolve();
    expect(taken).toEqual(['http://api.example/unread', 'http://api.example/failed-later']);
    expect(calls).toMatchObject({ listen: 2, entries: 2 });
  });

  test('while the CORS panel is shown the log is read whatever the time; hidden, it stops once the time runs out', () => {
    const { reader, advance, calls } = setup();
    reader.shown(true);
    expect(reader.reading).toBe(true);
    advance(120_000);
    expect(reader.reading).toBe(true);
    reader.want(5_000);
    reader.shown(false);
    expect(reader.reading).toBe(true);
    advance(5_100);
    expect(reader.reading).toBe(false);
    expect(calls).toMatchObject({ listen: 1, unlisten: 1 });
  });
});

test('LogReader: identical requests made at once are each taken, told apart by their total times', async () => {
  const started = new Date(Date.parse('2026-12-03T10:00:00.000Z')).toISOString();
  const same = (time: number): RawEntry => ({
    startedDateTime: started,
    time,
    _resourceType: 'fetch',
    request: { method: 'PUT', url: 'http://api.example/same', headers: [] },
    response: { status: 0, headers: [], _error: 'net::ERR_FAILED' },
  });
  const log = [same(3.125), same(3.5)];
  let listener: ((raw: RawEntry) => void) | null = null;
  const taken: number[] = [];
  const reader = new LogReader(
    { listen: (l) => (listener = l), unlisten: () => undefined, entries: async () => log },
    (raw) => taken.push(raw.time ?? 0),
    () => undefined,
    () => Date.parse(started) + 100,
  );
  reader.want(1_000);
  await Promise.resolve();
  await Promise.resolve();
  // The listener hands over one of them again, and a third one.
  (listener as ((raw: RawEntry) => void) | null)?.(same(3.5));
  (listener as ((raw: RawEntry) => void) | null)?.(same(4.25));
  expect(taken).toEqual([3.125, 3.5, 4.25]);
});
