/**
 * The command line around the checks: exit statuses, the JSON report's shape, bad input and network errors as one
 * clear line on stderr, secrets never printed, hostile header values never reaching the terminal raw. Real servers
 * on free loopback ports; the run is in-process (bin.test.ts runs the built file).
 */
import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startRecordingServers } from '../test-support/conformance/server.ts';
import { type Served, serveHttp } from '../test-support/servers/loopback.ts';
import type { CheckReport } from './check.ts';
import { main } from './main.ts';

const PAGE = 'https://app.example.com';
let api: Served;
let base: string;
const seen: http.IncomingHttpHeaders[] = [];

/** Answers as its path says: /echo echoes the Origin with credentials; /silent never answers. */
function handler(req: http.IncomingMessage, res: http.ServerResponse): void {
  seen.push(req.headers);
  const origin = req.headers.origin ?? '';
  if (req.url?.startsWith('/silent')) return;
  if (req.url?.startsWith('/echo')) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    res.setHeader('Access-Control-Allow-Headers', 'authorization');
    res.setHeader('Set-Cookie', 'sid=TOPSECRET3; HttpOnly');
  }
  res.end('{}');
}

beforeAll(async () => {
  api = await serveHttp(handler);
  base = api.origin;
});
afterAll(async () => {
  await api?.close();
});

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), color: false });
  return { code, stdout, stderr };
}

/** A port nothing listens on: a server's, closed. */
async function closedPort(): Promise<number> {
  const s = await serveHttp(() => undefined);
  await s.close();
  return Number(new URL(s.origin).port);
}

describe('exit statuses and the JSON report', () => {
  test('allowed: 0, and the documented shape', async () => {
    const { code, stdout, stderr } = await run('check', `${base}/echo`, '--origin', PAGE, '--json');
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const report = JSON.parse(stdout) as CheckReport;
    expect(Object.keys(report)).toEqual([
      'schemaVersion',
      'command',
      'tool',
      'outcome',
      'exitCode',
      'request',
      'corsError',
      'failedParameter',
      'networkError',
      'diagnosis',
      'security',
      'fix',
      'clientFixes',
      'steps',
      'exchange',
    ]);
    expect(report).toMatchObject({
      schemaVersion: 1,
      command: 'check',
      outcome: 'allowed',
      exitCode: 0,
      corsError: null,
      failedParameter: null,
      networkError: null,
      fix: null,
      diagnosis: { result: 'pass' },
      request: { url: `${base}/echo`, origin: PAGE, method: 'GET', api: 'fetch', credentials: 'same-origin' },
    });
    expect(report.steps).toMatchObject([{ kind: 'request', method: 'GET', status: 200, error: null }]);
  });
  test('refused: 1, with the code, the fix for the chosen stack and the client-side alternatives', async () => {
    const { code, stdout } = await run('check', `${base}/plain`, '--origin', PAGE, '--json', '--stack', 'django');
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as CheckReport;
    expect(report).toMatchObject({ outcome: 'refused', exitCode: 1, corsError: 'MissingAllowOriginHeader', failedParameter: '' });
    expect(report.diagnosis.consoleMessage).toContain("has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header");
    expect(report.fix).toMatchObject({ stack: 'django', language: 'python' });
    expect(report.clientFixes.map((c) => c.id)).toContain('dev-proxy');
  });
  test('a credentialed echo without Vary passes, with the security warning it proves', async () => {
    const { code, stdout } = await run('check', `${base}/echo`, '--origin', PAGE, '--credentials');
    expect(code).toBe(0);
    expect(stdout).toContain('ALLOWED');
    expect(stdout).toContain('Security: what this answer already shows');
    expect(stdout).toContain('without Vary: Origin (credentials allowed)');
  });
});

describe('bad input: exit 2 and one clear line on stderr', () => {
  test.each([
    [['check'], 'check takes exactly one URL'],
    [['check', 'http://x.example/'], 'check needs --origin'],
    [['check', 'http://x.example/', '--origin', 'https://app.example.com/'], 'not an origin: https://app.example.com/'],
    [['check', 'not a url', '--origin', PAGE], 'not a URL: not a url'],
    [['check', 'http://x.example/', '--origin', PAGE, '--stack', 'cobol'], "unknown stack 'cobol'"],
    [['check', 'http://x.example/', '--origin', PAGE, '--bogus'], "Unknown option '--bogus'"],
    [['check', 'http://x.example/', '--origin', PAGE, '-H', 'Cookie: a=1'], 'a page cannot set Cookie'],
    [['check', 'http://x.example/', '--origin', PAGE, '--cookie', 'a=1'], "credentials mode 'include'"],
    [['check', 'http://x.example/', '--origin', PAGE, '-d', 'x'], 'a GET request cannot have a body'],
    [['check', 'http://x.example/', '--origin', PAGE, '--timeout', 'soon'], '--timeout takes a number of seconds'],
    [['audit', 'http://x.example/', '--origin', PAGE, '--credentials'], '--credentials is an option of check, not of audit'],
    [['audit', 'http://x.example/', '--origin', 'null'], 'not null'],
    [['frobnicate'], "unknown command 'frobnicate'"],
  ])('%j', async (argv, message) => {
    const { code, stdout, stderr } = await run(...argv);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
    expect(stderr.startsWith('cors-lens: ')).toBe(true);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  });
  test('with --json, the same message in a JSON object too', async () => {
    const { code, stdout } = await run('check', 'http://x.example/', '--origin', 'nope', '--json');
    expect(code).toBe(2);
    expect(JSON.parse(stdout)).toMatchObject({ schemaVersion: 1, command: 'check', outcome: 'bad-input', exitCode: 2 });
    expect(JSON.parse(stdout).error).toContain('not an origin: nope');
  });
});

describe('network errors: exit 2, the net:: error and what node said', () => {
  test('an unreachable server', async () => {
    const port = await closedPort();
    const { code, stdout, stderr } = await run('check', `http://127.0.0.1:${port}/x`, '--origin', PAGE);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `cors-lens: network error net::ERR_CONNECTION_REFUSED on GET http://127.0.0.1:${port}/x (connect ECONNREFUSED 127.0.0.1:${port})\n`,
    );
    expect(stdout).toContain('NETWORK ERROR');
    expect(stdout).toContain('Connection refused (net::ERR_CONNECTION_REFUSED), not CORS');
  });
  test('an unreachable server, audited, in JSON', async () => {
    const port = await closedPort();
    const { code, stdout, stderr } = await run('audit', `http://127.0.0.1:${port}/x`, '--origin', PAGE, '--json');
    expect(code).toBe(2);
    expect(stderr).toContain('net::ERR_CONNECTION_REFUSED');
    expect(JSON.parse(stdout)).toMatchObject({
      outcome: 'network-error',
      exitCode: 2,
      networkError: 'net::ERR_CONNECTION_REFUSED',
      findings: [],
    });
  });
  test('a server that never answers, within --timeout', async () => {
    const { code, stderr } = await run('check', `${base}/silent`, '--origin', PAGE, '--timeout', '0.2');
    expect(code).toBe(2);
    expect(stderr).toContain('net::ERR_TIMED_OUT');
    expect(stderr).toContain('no answer within 0.2 s');
  });
});

describe('what is never printed', () => {
  test('Cookie, Authorization, Set-Cookie and secret query values: not in the text, not in the JSON; they do reach the server', async () => {
    const argv = [
      'check',
      `${base}/echo?access_token=TOPSECRET4`,
      '--origin',
      PAGE,
      '--credentials',
      '--cookie',
      'sid=TOPSECRET1',
      '-H',
      'Authorization: Bearer TOPSECRET2',
    ];
    const text = await run(...argv);
    const json = await run(...argv, '--json');
    for (const out of [text.stdout, text.stderr, json.stdout, json.stderr]) expect(out).not.toMatch(/TOPSECRET/);
    const hop = JSON.parse(json.stdout).exchange.hops[0];
    expect(hop.requestHeaders).toContainEqual({ name: 'Cookie', value: '', redacted: true });
    expect(hop.response.headers).toContainEqual({ name: 'Set-Cookie', value: '', redacted: true });
    expect(seen.some((h) => h.cookie === 'sid=TOPSECRET1' && h.authorization === 'Bearer TOPSECRET2')).toBe(true);
    expect(text.stdout).toContain(`${base}/echo?access_token=[redacted]`);
  });
  test("a server's escape sequences reach the terminal as text", async () => {
    // The recording server writes header bytes as given, which node's own server refuses to.
    const servers = await startRecordingServers();
    try {
      const h = { 'access-control-allow-origin': '\u001b[2J\u001b]0;pwned\u0007\u009b31mhttps://evil.example' };
      const url = `${servers.api}/cors?h=${encodeURIComponent(JSON.stringify(h))}`;
      const { code, stdout } = await run('check', url, '--origin', PAGE);
      expect(code).toBe(1);
      for (const c of ['\u001b', '\u0007', '\u009b']) expect(stdout.includes(c)).toBe(false);
      expect(stdout).toContain('\\u001b[2J');
      const json = await run('check', url, '--origin', PAGE, '--json');
      for (const c of ['\u001b', '\u0007', '\u009b']) expect(json.stdout.includes(c)).toBe(false);
    } finally {
      await servers.close();
    }
  });
});

describe('help and version', () => {
  test('--help lists the commands, every stack and the exit statuses', async () => {
    const { code, stdout } = await run('--help');
    expect(code).toBe(0);
    for (const word of ['cors-lens check URL --origin ORIGIN', 'cors-lens audit URL', 'express', 'nginx', 's3', 'Exit status']) {
      expect(stdout).toContain(word);
    }
  });
  test('--version', async () => {
    const { code, stdout } = await run('--version');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
