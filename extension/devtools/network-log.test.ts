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

  /** A reader on a stand-in log whose reads take `readMs` of the fake clock. */
  function setup(readMs = 0) {
    let now = T0;
    const log: RawEntry[] = [];
    const reads: number[] = [];
    const timers: { at: number; callback: () => void }[] = [];
    const taken: string[] = [];
    const reader = new LogReader(
      {
        entries: async () => {
          reads.push(now);
          now += readMs;
          return log.map((raw) => ({ ...raw }));
        },
      },
      (raw) => taken.push(raw.request?.url ?? ''),
      (ms, callback) => timers.push({ at: now + ms, callback }),
      () => now,
    );
    const flush = async () => {
      for (let i = 0; i < 5; i++) await Promise.resolve();
    };
    /** Moves the clock on `ms`, firing the timers due (and the reads they start) in order. */
    const advance = async (ms: number) => {
      const end = now + ms;
      for (;;) {
        timers.sort((a, b) => a.at - b.at);
        const due = timers[0];
        if (!due || due.at > end) break;
        timers.shift();
        now = Math.max(now, due.at);
        due.callback();
        await flush();
      }
      now = Math.max(now, end);
    };
    return { reader, log, advance, reads, taken, at: () => now };
  }

  test('nothing is read until the worker asks; asked, a read soon takes the failures that ended since the page started, once', async () => {
    const { reader, log, advance, reads, taken } = setup();
    log.push(entry('http://api.example/before-start', T0 - 60_000, 10));
    await advance(5_000);
    // A failed request and the preflight that went before it: the exchange the worker needs.
    log.push({ ...entry('http://api.example/failed', T0 + 4_980, 5, null), _resourceType: 'preflight' });
    log.push(entry('http://api.example/failed', T0 + 4_990, 10));
    // Passed (or still receiving its body): not a failure's, and the panel is not shown.
    log.push(entry('http://api.example/passed', T0 + 4_995, 3, null));
    // Still in flight: no outcome yet.
    log.push(entry('http://api.example/in-flight', T0 + 4_996, 0, null));
    (log.at(-1) as RawEntry).response = { status: 0, headers: [], _error: null };
    await advance(10_000);
    expect(reads).toEqual([]);

    reader.want(30_000);
    expect(reader.reading).toBe(true);
    await advance(100);
    expect(reads).toHaveLength(1);
    expect(taken).toEqual(['http://api.example/failed', 'http://api.example/failed']);
    // The request in flight fails: the next read takes it, and nothing twice.
    log[4] = entry('http://api.example/in-flight', T0 + 4_996, 10_200);
    await advance(1_000);
    expect(taken).toEqual(['http://api.example/failed', 'http://api.example/failed', 'http://api.example/in-flight']);
  });

  test('reads come every half second while they find something, less often while they do not, and stop when the time runs out', async () => {
    const { reader, log, advance, reads, at } = setup();
    const gaps = () => reads.slice(1).map((t, i) => t - (reads[i] as number));
    // Each read finds a new failure.
    log.push(entry('http://api.example/first', at() - 5, 5));
    reader.want(20_000);
    await advance(100);
    for (let i = 0; i < 3; i++) {
      log.push(entry(`http://api.example/f${i}`, at() - 5, 5));
      await advance(500);
    }
    expect(gaps().slice(0, 3)).toEqual([500, 500, 500]);
    // Then nothing new: the next read half a second later finds nothing, and the gaps grow to 1 s, 2 s, 4 s, 4 s...
    await advance(12_000);
    expect(gaps().slice(3)).toEqual([500, 1_000, 2_000, 4_000, 4_000]);
    // The worker asks again: a read at once, and the half-second pace.
    reader.want(1_000);
    const before = reads.length;
    await advance(100);
    expect(reads).toHaveLength(before + 1);
    await advance(30_000);
    expect(reader.reading).toBe(false);
    const stopped = reads.length;
    await advance(60_000);
    expect(reads).toHaveLength(stopped);
  });

  test('a read that takes long spaces the next ones out: reads take at most a quarter of the time', async () => {
    const { reader, log, advance, reads, at } = setup(400);
    reader.shown(true);
    for (let i = 0; i < 4; i++) {
      log.push(entry(`http://api.example/f${i}`, at() - 5, 5));
      await advance(1_600);
    }
    const gaps = reads.slice(1).map((t, i) => t - (reads[i] as number));
    // 400 ms to read, then 1,600 ms from its start before the next.
    expect(gaps.every((g) => g >= 1_600)).toBe(true);
  });

  test('a read that takes thousands of failures at once takes none of them again at the next read', async () => {
    const { reader, log, advance, taken } = setup();
    await advance(5_000);
    for (let i = 0; i < 6_000; i++) log.push(entry(`http://api.example/f${i}`, T0 + 4_000 + (i % 900), 5));
    reader.want(10_000);
    await advance(100);
    expect(taken).toHaveLength(6_000);
    await advance(2_000);
    expect(taken).toHaveLength(6_000);
  });

  test('a read that fails loses nothing: the next one looks back from the last read that worked', async () => {
    let now = T0;
    let failing = false;
    const log: RawEntry[] = [];
    const timers: { at: number; callback: () => void }[] = [];
    const taken: string[] = [];
    const reader = new LogReader(
      {
        entries: async () => {
          if (failing) throw new Error('DevTools is busy');
          return [...log];
        },
      },
      (raw) => taken.push(raw.request?.url ?? ''),
      (ms, callback) => timers.push({ at: now + ms, callback }),
      () => now,
    );
    const fire = async (at: number) => {
      now = at;
      for (const t of timers.splice(0)) t.callback();
      for (let i = 0; i < 5; i++) await Promise.resolve();
    };
    reader.want(60_000);
    await fire(T0 + 100);
    log.push(entry('http://api.example/while-failing', T0 + 200, 5));
    failing = true;
    await fire(T0 + 1_100);
    await fire(T0 + 6_000);
    failing = false;
    await fire(T0 + 11_000);
    expect(taken).toEqual(['http://api.example/while-failing']);
  });

  test('after a pause the first read takes what ended during it, not what ended long before', async () => {
    const { reader, log, advance, taken } = setup();
    reader.want(1_000);
    await advance(2_000);
    expect(reader.reading).toBe(false);
    log.push(entry('http://api.example/during-the-pause', T0 + 5_000, 5));
    // Listed late, long after it ended: before the last read, beyond the look-back.
    log.unshift(entry('http://api.example/long-before', T0 - 30_000, 5));
    await advance(60_000);
    reader.want(1_000);
    await advance(100);
    expect(taken).toEqual(['http://api.example/during-the-pause']);
  });

  test('while the CORS panel is shown the log is read whatever the time, and passing requests are taken once they ended', async () => {
    const { reader, log, advance, taken, at } = setup();
    reader.shown(true);
    await advance(0);
    const passing = entry('http://api.example/passed', at(), 0, null);
    log.push(passing);
    // Still receiving its body: its total time grows with the clock.
    await advance(1_000);
    passing.time = 1_000;
    await advance(1_000);
    passing.time = 1_200;
    expect(taken).toEqual([]);
    await advance(3_000);
    expect(taken).toEqual(['http://api.example/passed']);
    await advance(120_000);
    expect(reader.reading).toBe(true);
    expect(taken).toEqual(['http://api.example/passed']);
    reader.want(5_000);
    reader.shown(false);
    expect(reader.reading).toBe(true);
    await advance(5_100);
    expect(reader.reading).toBe(false);
  });
});

test('LogReader: identical requests made at once are each taken once, and an entry whose total time changes is not taken again', async () => {
  const startedAt = Date.parse('2026-12-03T10:00:00.000Z');
  const same = (time: number, type = 'fetch'): RawEntry => ({
    startedDateTime: new Date(startedAt).toISOString(),
    time,
    _resourceType: type,
    request: { method: 'PUT', url: 'http://api.example/same', headers: [] },
    response: type === 'preflight' ? { status: 204, headers: [], _error: null } : { status: 0, headers: [], _error: 'net::ERR_FAILED' },
  });
  const log = [same(0.5, 'preflight'), same(3.125), same(3.5)];
  let now = startedAt + 100;
  const timers: (() => void)[] = [];
  const taken: string[] = [];
  const reader = new LogReader(
    { entries: async () => log.map((raw) => ({ ...raw })) },
    (raw) => taken.push(`${raw._resourceType} ${raw.time}`),
    (_, callback) => timers.push(callback),
    () => now,
  );
  const read = async () => {
    now += 500;
    timers.shift()?.();
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  reader.want(10_000);
  await read();
  expect(taken).toEqual(['preflight 0.5', 'fetch 3.125', 'fetch 3.5']);
  // The preflight's total time, read while it was ending, changes; a third identical request joins the log.
  log[0] = same(0.75, 'preflight');
  log.push(same(4.25));
  await read();
  expect(taken).toEqual(['preflight 0.5', 'fetch 3.125', 'fetch 3.5', 'fetch 4.25']);
});
