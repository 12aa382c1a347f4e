import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { captured, exchange, PAGE } from '../../test-support/exchange.ts';
import { type FailureRecord, recordDiagnosis, toFirefoxRecord, toRecord } from '../capture/records.ts';
import { suggestFixes } from '../fix/index.ts';
import { exportFileName, exportLog, LOG_VERSION, parseLog } from './export.ts';
import { markdownReport } from './report.ts';
import { curlCommands, fetchSnippet, jsString, NOT_CAPTURED, shellQuote } from './snippets.ts';

function recordOf(ex = exchange()): FailureRecord {
  const r = toRecord(captured(ex));
  if (!r) throw new Error('not a record');
  return r;
}

const preflighted = () =>
  exchange({
    method: 'PUT',
    credentials: 'include',
    requestHeaders: { 'content-type': 'application/json', 'x-request-id': 'abc', cookie: 'sid=secret-cookie' },
    preflight: {
      headers: { 'access-control-allow-origin': PAGE, 'access-control-allow-methods': 'GET' },
      requestHeaders: { 'access-control-request-headers': 'content-type,x-request-id' },
    },
  });

/** What bash makes of a quoted word. */
const bashEcho = (word: string) => execFileSync('bash', ['-c', `printf %s ${word}`], { encoding: 'utf8' });

describe('quoting', () => {
  test('shell words read back exactly, quotes, backslashes and bidi controls included', () => {
    for (const value of ["it's", 'a\\b', 'x\u202Ey', "both ' and \u2066 and \\", 'tab\there']) {
      expect(bashEcho(shellQuote(value))).toBe(value);
    }
    expect(shellQuote('x\u202Ey')).toBe("$'x\\u202Ey'");
  });
  test('JavaScript strings escape what would be hidden', () => {
    expect(jsString('a\u202Eb\u2028')).toBe('"a\\u202Eb\\u2028"');
    expect(JSON.parse(jsString('a\u202Eb "q" \\'))).toBe('a\u202Eb "q" \\');
  });
});

describe('copy as cURL and as fetch', () => {
  test('the preflight and the request, paired, each with Origin; secrets named, never valued', () => {
    const text = curlCommands(recordOf(preflighted()).exchange, 0);
    const [preflight, request] = text.split('# 2. The request itself');
    expect(preflight).toContain("curl -i -X 'OPTIONS' 'https://api.example/v1/items'");
    expect(preflight).toContain(`-H 'origin: ${PAGE}'`);
    expect(preflight).toContain("-H 'access-control-request-method: PUT'");
    expect(request).toContain("-X 'PUT'");
    // Only allowlisted values are stored: other headers keep their names, and the command says so.
    expect(request).toContain("-H 'x-request-id: <value not stored>'");
    expect(request).toContain("-H 'content-type: application/json'");
    expect(request).toContain("# <value not stored>: only the header's name was kept");
    expect(text).not.toContain('secret-cookie');
  });
  test('a request the browser never sent: values it did not send are placeholders', () => {
    const ex = preflighted();
    const first = ex.hops[0];
    if (!first) throw new Error('no hop');
    const stopped = {
      ...ex,
      request: { ...ex.request, headers: [{ name: 'x-request-id', value: '' }] },
      hops: [{ ...first, requestHeaders: null }],
    };
    const text = curlCommands(stopped, 0);
    expect(text).toContain('the browser did not send it');
    expect(text).toContain(`-H 'x-request-id: ${NOT_CAPTURED}'`);
    expect(text).toContain(`-H 'Origin: ${PAGE}'`);
  });
  test('fetch with the method, credentials and the headers the page set', () => {
    const text = fetchSnippet(recordOf(preflighted()).exchange);
    expect(text).toContain(`await fetch("https://api.example/v1/items", {`);
    expect(text).toContain('method: "PUT"');
    expect(text).toContain("credentials: 'include'");
    expect(text).toContain('"x-request-id": "<value not stored>", // not stored: put yours here');
    expect(text).toContain('"content-type": "application/json"');
    expect(text).not.toContain('cookie');
    expect(fetchSnippet(exchange())).toBe(
      `// Run in the DevTools console of a page on ${PAGE}: the browser adds Origin and the preflight itself.\nawait fetch("https://api.example/v1/items");`,
    );
  });
});

describe('Markdown report', () => {
  test('holds the verdict, the reason, the headers and the fix', () => {
    const record = recordOf(exchange({ credentials: 'include', response: { headers: { 'access-control-allow-origin': PAGE } } }));
    const d = recordDiagnosis(record);
    const fix = suggestFixes(record.exchange, d).server.find((f) => f.stack === 'express') ?? null;
    const md = markdownReport({ exchange: record.exchange, diagnosis: d, fix, time: 0, generator: 'CORS Lens test' });
    expect(md).toContain('`InvalidAllowCredentials`');
    expect(md).toContain(d.explanation);
    expect(md).toContain('| Access-Control-Allow-Credentials | response | (absent) | exactly true (lower-case) | ✗ at fault |');
    expect(md).toContain(`### Fix (${fix?.label})`);
    expect(md).toContain(fix?.code.split('\n')[0]);
  });
  test('a right-to-left override in a value is written as a visible escape', () => {
    const record = recordOf(exchange({ response: { headers: { 'access-control-allow-origin': 'https://a.example\u202Elive.evil' } } }));
    const md = markdownReport({ exchange: record.exchange, diagnosis: recordDiagnosis(record), fix: null, time: 0, generator: 'x' });
    expect(md).not.toContain('\u202E');
    expect(md).toContain('https://a.example\\u202Elive.evil');
  });
});

describe('export and import', () => {
  const records = [
    recordOf(preflighted()),
    { ...recordOf(exchange({ response: null, error: 'net::ERR_CONNECTION_REFUSED' })), id: '2' },
    { ...recordOf(), id: '3', kind: 'warning' as const },
  ];
  const log = exportLog(records, { url: `${PAGE}/page`, tabId: 7 }, new Date(0), 'CORS Lens test');

  test('what is exported reads back the same, with its counts', () => {
    const parsed = parseLog(JSON.stringify(log));
    expect(parsed.ok && parsed.log.records).toEqual(records);
    expect(log.counts).toEqual({ failures: 1, lookalikes: 1, warnings: 1 });
    expect(log.version).toBe(LOG_VERSION);
    expect(exportFileName(`${PAGE}/x`, new Date(0))).toBe('cors-lens-app.example-1970-01-01T00-00-00-000Z.json');
  });
  test('a bad file says where it is wrong, and nothing is imported', () => {
    const bad = (mutate: (l: Record<string, unknown>) => void) => {
      const copy = JSON.parse(JSON.stringify(log)) as Record<string, unknown>;
      mutate(copy);
      const parsed = parseLog(JSON.stringify(copy));
      return parsed.ok ? 'accepted' : parsed.error;
    };
    expect(parseLog('{nope')).toMatchObject({ ok: false, error: expect.stringContaining('not JSON') });
    expect(bad((l) => (l.format = 'har'))).toContain('Not a CORS Lens log');
    expect(bad((l) => (l.version = 2))).toContain('version 2; this CORS Lens reads version 1');
    expect(bad((l) => (((l.records as { kind: string }[])[0] as { kind: string }).kind = 'boom'))).toBe(
      'Not a valid CORS Lens log: log.records[0].kind: expected one of cors, lookalike, warning, found "boom"',
    );
    expect(
      bad((l) => (((l.records as { exchange: { hops: unknown[] } }[])[0] as { exchange: { hops: unknown[] } }).exchange.hops = [])),
    ).toContain('log.records[0].exchange.hops: expected at least 1 entries');
    expect(
      bad(
        (l) =>
          ((
            (l.records as { judgement: { verdict: { status: unknown } } }[])[0] as { judgement: { verdict: { status: unknown } } }
          ).judgement.verdict.status = { corsError: 'Nope', failedParameter: '' }),
      ),
    ).toContain('corsError: expected one of');
    expect(bad((l) => (l.records as unknown[]).push((l.records as unknown[])[0]))).toContain('appears twice');
  });
  test("a record judged in Firefox reads back with Firefox's verdict, and a made-up reason is refused", () => {
    const firefox = toFirefoxRecord(captured(exchange({ response: { headers: {} } })));
    if (!firefox) throw new Error('not a record');
    const fromFirefox = exportLog([firefox], { url: `${PAGE}/page`, tabId: 7 }, new Date(0), 'CORS Lens test');
    const parsed = parseLog(JSON.stringify(fromFirefox));
    expect(parsed.ok && parsed.log.records).toEqual([firefox]);
    expect(parsed.ok && parsed.log.records[0]?.firefox?.reason).toBe('CORSMissingAllowOrigin');
    const copy = JSON.parse(JSON.stringify(fromFirefox)) as { records: { firefox: { reason: string } }[] };
    (copy.records[0] as { firefox: { reason: string } }).firefox.reason = '../../elsewhere';
    expect(parseLog(JSON.stringify(copy))).toMatchObject({ ok: false, error: expect.stringContaining('log.records[0].firefox.reason') });
  });
  test('imported records are redacted like storage, whatever the file holds', () => {
    const copy = JSON.parse(JSON.stringify(log)) as {
      records: { exchange: { request: { headers: { name: string; value: string }[] } } }[];
    };
    copy.records[0]?.exchange.request.headers.push({ name: 'Authorization', value: 'Bearer planted-secret' });
    const parsed = parseLog(JSON.stringify(copy));
    expect(parsed.ok).toBe(true);
    expect(JSON.stringify(parsed)).not.toContain('planted-secret');
  });
});
