/**
 * `cors-lens audit` against a real server with one common mistake planted per route (test-support/servers/
 * misconfigured.ts, written with the `cors` package and by hand the way people write them): the audit must report
 * exactly what was planted, nothing on the correct setups, and exit 1 or 0 accordingly.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ALLOWED, MISTAKES, startMisconfigured } from '../test-support/servers/misconfigured.ts';
import type { AuditReport } from './audit.ts';
import { main } from './main.ts';

let server: Awaited<ReturnType<typeof startMisconfigured>>;
beforeAll(async () => {
  server = await startMisconfigured();
});
afterAll(async () => {
  await server?.close();
});

async function audit(...argv: string[]): Promise<{ code: number; report: AuditReport; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(['audit', ...argv], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), color: false });
  return { code, report: argv.includes('--json') ? (JSON.parse(stdout) as AuditReport) : (undefined as never), stdout, stderr };
}

describe('the audit finds what was planted, and only that', () => {
  test.each(MISTAKES.map((m) => [m.path, m] as const))('%s', async (path, mistake) => {
    const { code, report } = await audit(`${server.origin}${path}`, '--origin', ALLOWED, '--json');
    expect([...report.findings.map((f) => f.kind)].sort(), mistake.description).toEqual([...mistake.planted].sort());
    expect(code).toBe(mistake.planted.length > 0 ? 1 : 0);
    expect(report.outcome).toBe(mistake.planted.length > 0 ? 'findings' : 'clean');
    // The fix comes with findings, and it is an allowlist of the user's origin.
    if (mistake.planted.length > 0) expect(report.fix?.code).toContain(ALLOWED);
    else expect(report.fix).toBeNull();
  });
});

describe('the audit report', () => {
  test('JSON: versioned, every probe with what it got, most severe finding first, the fix for the chosen stack', async () => {
    const { report } = await audit(`${server.origin}/reflect-credentials`, '--origin', ALLOWED, '--json', '--stack', 'express');
    expect(report).toMatchObject({
      schemaVersion: 1,
      command: 'audit',
      exitCode: 1,
      request: { url: `${server.origin}/reflect-credentials`, origin: ALLOWED },
    });
    expect(report.probes.map((p) => [p.kind, p.readableWithCredentials])).toEqual([
      ['own-origin', true],
      ['other-site', true],
      ['null', true],
      ['suffix', true],
      ['prefix', true],
      ['insecure-scheme', true],
      ['subdomain', true],
    ]);
    expect(report.findings[0]).toMatchObject({
      kind: 'credentials-with-reflected-origin',
      severity: 'high',
      origin: 'https://attacker.example',
      credentials: true,
    });
    expect(report.fix).toMatchObject({ stack: 'express', language: 'javascript' });
    expect(report.steps.every((s) => s.method === 'GET' && s.status === 200)).toBe(true);
  });
  test('a preflighted request: the preflight is audited, and the only other request is a GET', async () => {
    const { report } = await audit(`${server.origin}/nginx-echo`, '--origin', ALLOWED, '-X', 'PUT', '-H', 'X-Token: 1', '--json');
    expect(new Set(report.steps.map((s) => `${s.kind} ${s.method}`))).toEqual(new Set(['preflight OPTIONS', 'request GET']));
    expect(report.findings.some((f) => f.stage === 'preflight' && f.kind === 'credentials-with-reflected-origin')).toBe(true);
  });
  test('text: the findings with their evidence, and the fix', async () => {
    const { code, stdout } = await audit(`${server.origin}/null-allowlist`, '--origin', ALLOWED);
    expect(code).toBe(1);
    expect(stdout).toContain('1 FINDING');
    expect(stdout).toContain('HIGH');
    expect(stdout).toContain('The origin "null" is allowed, with credentials');
    expect(stdout).toContain('Origin: "null" got Access-Control-Allow-Origin: "null"');
    expect(stdout).toContain(`Access-Control-Allow-Origin: ${ALLOWED}`);
  });
  test('text, nothing found', async () => {
    const { code, stdout } = await audit(`${server.origin}/correct`, '--origin', ALLOWED);
    expect(code).toBe(0);
    expect(stdout).toContain('NOTHING FOUND');
  });
});
