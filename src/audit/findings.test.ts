/**
 * The audit's judgement of answers to forged origins, and what one passing exchange proves. "Accepted" is the
 * browser's own CORS check (Chromium's CheckAccess, held to the conformance corpus): a '*', a second
 * Access-Control-Allow-Origin line or an Allow-Credentials other than exactly "true" do not grant what they seem to.
 */
import { describe, expect, test } from 'vitest';
import { exchange } from '../../test-support/exchange.ts';
import { STACKS } from '../fix/stacks.ts';
import type { HeaderList } from '../headers.ts';
import type { ResponseFacts } from '../model.ts';
import { acceptance, auditFindings, classifyProbe, passiveFindings } from './findings.ts';
import { auditRequirements } from './fix.ts';
import { auditProbes, type Probe } from './probes.ts';
import { probeRequests } from './requests.ts';

const MINE = 'https://app.example.com';

function response(spec: Record<string, string | string[]>, status = 200): ResponseFacts {
  const headers: HeaderList = Object.entries(spec).flatMap(([name, v]) => (Array.isArray(v) ? v : [v]).map((value) => ({ name, value })));
  return { status, headers };
}

const probe = (kind: Probe['kind']): Probe => {
  const found = auditProbes(MINE).probes.find((p) => p.kind === kind);
  if (!found) throw new Error(`no ${kind} probe`);
  return found;
};

/** A server that echoes whatever Origin it gets, with the given extra headers. */
const echo = (p: Probe, extra: Record<string, string> = {}) => response({ 'Access-Control-Allow-Origin': p.origin, ...extra });
const kinds = (findings: { kind: string; severity: string }[]) => findings.map((f) => `${f.kind}:${f.severity}`);

describe('the probes', () => {
  test('an https origin: itself, another site, null, suffix, prefix, http, a sub-domain', () => {
    expect(auditProbes('https://app.example.com:8443').probes.map((p) => p.origin)).toEqual([
      'https://app.example.com:8443',
      'https://attacker.example',
      'null',
      'https://app.example.com.attacker.example:8443',
      'https://attackerapp.example.com:8443',
      'http://app.example.com:8443',
      'https://attacker.app.example.com:8443',
    ]);
  });
  test('every forged origin is a valid serialized origin (what a browser could send)', () => {
    for (const mine of [MINE, 'http://localhost:3000', 'http://127.0.0.1:8080', 'http://[::1]:8080']) {
      for (const p of auditProbes(mine).probes) if (p.origin !== 'null') expect(new URL(p.origin).origin).toBe(p.origin);
    }
  });
  test('what makes no sense is skipped, with the reason', () => {
    expect(auditProbes('http://127.0.0.1:8080').skipped.map((s) => s.kind)).toEqual(['prefix', 'subdomain', 'insecure-scheme']);
    expect(auditProbes('http://[::1]:8080').skipped.map((s) => s.kind)).toEqual(['suffix', 'prefix', 'subdomain', 'insecure-scheme']);
  });
});

describe('acceptance is the browser check', () => {
  test("'*' names no one, and never with credentials", () => {
    expect(acceptance(response({ 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Credentials': 'true' }), MINE)).toMatchObject({
      accepted: false,
      credentials: false,
    });
  });
  test('two lines echoing the origin are two values: refused', () => {
    expect(acceptance(response({ 'Access-Control-Allow-Origin': [MINE, MINE] }), MINE).accepted).toBe(false);
  });
  test('Allow-Credentials TRUE is not true: readable, but not with cookies', () => {
    expect(acceptance(response({ 'Access-Control-Allow-Origin': MINE, 'Access-Control-Allow-Credentials': 'TRUE' }), MINE)).toMatchObject({
      accepted: true,
      credentials: false,
    });
  });
});

describe('one answer to one probe', () => {
  test('another site echoed with credentials: the serious one, and no Vary', () => {
    const p = probe('other-site');
    expect(kinds(classifyProbe(p, echo(p, { 'Access-Control-Allow-Credentials': 'true' })))).toEqual([
      'credentials-with-reflected-origin:high',
      'missing-vary:medium',
    ]);
  });
  test('another site echoed without credentials, with Vary: Origin', () => {
    const p = probe('other-site');
    expect(kinds(classifyProbe(p, echo(p, { Vary: 'Accept-Encoding, Origin' })))).toEqual(['reflects-any-origin:low']);
  });
  test.each([
    ['null', 'null-allowed:high'],
    ['suffix', 'suffix-match:high'],
    ['prefix', 'prefix-match:high'],
    ['insecure-scheme', 'insecure-origin-allowed:medium'],
    ['subdomain', 'subdomain-allowed:medium'],
  ] as const)('%s accepted with credentials: %s', (kind, expected) => {
    const p = probe(kind);
    expect(kinds(classifyProbe(p, echo(p, { 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' })))).toEqual([expected]);
  });
  test('the own origin accepted is no finding; a forged origin refused neither', () => {
    expect(classifyProbe(probe('own-origin'), echo(probe('own-origin'), { 'Access-Control-Allow-Credentials': 'true' }))).toEqual([]);
    expect(classifyProbe(probe('other-site'), response({ 'Access-Control-Allow-Origin': MINE }))).toEqual([]);
    expect(classifyProbe(probe('null'), response({}))).toEqual([]);
  });
  test('the evidence quotes the headers as text, control characters escaped', () => {
    const p = probe('other-site');
    const [f] = classifyProbe(p, echo(p, { 'Access-Control-Allow-Credentials': 'true', Vary: '\u001b[31m' }));
    expect(f?.evidence).toContain('Vary: "\\u001b[31m"');
    expect(f?.evidence).not.toContain('\u001b');
  });
});

describe('all the answers together', () => {
  const { probes } = auditProbes(MINE);
  test('an allowlist without Vary: the value changes with the Origin, so it needs Vary (low: nothing forged gets in)', () => {
    const answers = probes.map((p) => ({
      probe: p,
      stage: 'response' as const,
      response: p.kind === 'own-origin' ? echo(p, { 'Access-Control-Allow-Credentials': 'true' }) : response({}),
    }));
    expect(kinds(auditFindings(answers))).toEqual(['missing-vary:low']);
  });
  test('a fixed Access-Control-Allow-Origin for everyone needs no Vary; a correct allowlist has no finding', () => {
    const fixed = probes.map((p) => ({
      probe: p,
      stage: 'response' as const,
      response: response({ 'Access-Control-Allow-Origin': MINE }),
    }));
    expect(auditFindings(fixed)).toEqual([]);
    const allowlist = probes.map((p) => ({
      probe: p,
      stage: 'response' as const,
      response:
        p.kind === 'own-origin' ? echo(p, { Vary: 'Origin', 'Access-Control-Allow-Credentials': 'true' }) : response({ Vary: 'Origin' }),
    }));
    expect(auditFindings(allowlist)).toEqual([]);
  });
  test('an echo of everything: one finding per forged origin, one missing-vary, most severe first', () => {
    const answers = probes.map((p) => ({
      probe: p,
      stage: 'response' as const,
      response: echo(p, { 'Access-Control-Allow-Credentials': 'true' }),
    }));
    expect(kinds(auditFindings(answers))).toEqual([
      'credentials-with-reflected-origin:high',
      'null-allowed:high',
      'suffix-match:high',
      'prefix-match:high',
      'insecure-origin-allowed:medium',
      'subdomain-allowed:medium',
      'missing-vary:medium',
    ]);
  });
});

describe('what one passing exchange proves', () => {
  const PAGE = 'https://app.example';
  const credentialed = { 'access-control-allow-origin': PAGE, 'access-control-allow-credentials': 'true' };
  test('the origin named with credentials and no Vary: Origin', () => {
    const ex = exchange({ credentials: 'include', response: { headers: credentialed }, error: null });
    expect(kinds(passiveFindings(ex))).toEqual(['missing-vary:low']);
    const varied = exchange({ credentials: 'include', response: { headers: { ...credentialed, vary: 'Origin' } }, error: null });
    expect(passiveFindings(varied)).toEqual([]);
  });
  test('"null" allowed with credentials, after a redirect tainted the origin', () => {
    const ex = exchange({
      credentials: 'include',
      response: { status: 302, headers: { ...credentialed, location: 'https://other.example/' } },
      redirects: [
        {
          url: 'https://other.example/',
          response: { headers: { 'access-control-allow-origin': 'null', 'access-control-allow-credentials': 'true', vary: 'origin' } },
        },
      ],
      error: null,
    });
    expect(kinds(passiveFindings(ex))).toEqual(['null-allowed:high']);
  });
  test('an http page trusted by an https API', () => {
    const ex = exchange({
      origin: 'http://app.example',
      credentials: 'include',
      response: { headers: { ...credentialed, 'access-control-allow-origin': 'http://app.example', vary: 'Origin' } },
      error: null,
    });
    expect(kinds(passiveFindings(ex))).toEqual(['insecure-origin-allowed:medium']);
    const local = exchange({
      origin: 'http://localhost:3000',
      response: { headers: { 'access-control-allow-origin': 'http://localhost:3000', vary: 'Origin' } },
      error: null,
    });
    expect(passiveFindings(local)).toEqual([]);
  });
  test("a preflight's answer counts even when the response itself allows '*'", () => {
    const ex = exchange({
      origin: 'http://app.example',
      method: 'PUT',
      preflight: { headers: { 'access-control-allow-origin': 'http://app.example', 'access-control-allow-methods': 'PUT' } },
      response: { headers: { 'access-control-allow-origin': '*' } },
      error: null,
    });
    expect(passiveFindings(ex).map((f) => `${f.kind}:${f.stage}`)).toEqual(['insecure-origin-allowed:preflight']);
  });
  test("nothing for '*', a failed exchange or a same-origin one", () => {
    expect(passiveFindings(exchange({ response: { headers: { 'access-control-allow-origin': '*' } }, error: null }))).toEqual([]);
    expect(passiveFindings(exchange({ credentials: 'include', response: { headers: { 'access-control-allow-origin': PAGE } } }))).toEqual(
      [],
    );
    expect(
      passiveFindings(exchange({ url: `${PAGE}/x`, credentials: 'include', response: { headers: credentialed }, error: null })),
    ).toEqual([]);
  });
});

describe('the fix', () => {
  test('an allowlist of the own origin, in every stack, credentials only when the server grants them', () => {
    const r = auditRequirements({
      url: 'https://api.example.com/v1/items',
      origin: MINE,
      method: 'patch',
      headers: [{ name: 'X-Token', value: '1' }],
      credentials: true,
    });
    expect(r).toMatchObject({
      path: '/v1/items',
      methods: ['patch'],
      headers: ['x-token'],
      preflight: true,
      credentials: true,
      problems: ['lowercase-method'],
    });
    for (const stack of Object.values(STACKS)) expect(stack.generate(r).code).toContain(MINE);
  });
});

describe('what an audit sends', () => {
  const call = {
    url: 'https://api.example.com/v1/items',
    origin: MINE,
    method: 'PUT',
    headers: [{ name: 'X-A', value: '1' }],
    body: 'data',
    credentials: 'include' as const,
    api: 'fetch' as const,
    userAgent: 'ua',
    cookie: 'sid=secret',
  };
  test('the preflight a forged page would send, then a GET with the same headers: never the PUT, no body, no cookie', () => {
    const sent = probeRequests(call, probe('other-site'));
    expect(sent.map((r) => [r.kind, r.method, r.body])).toEqual([
      ['preflight', 'OPTIONS', null],
      ['request', 'GET', null],
    ]);
    expect(sent[0]?.headers).toContainEqual({ name: 'Access-Control-Request-Method', value: 'PUT' });
    expect(sent[0]?.headers).toContainEqual({ name: 'Origin', value: 'https://attacker.example' });
    expect(sent[1]?.headers).toContainEqual({ name: 'X-A', value: '1' });
    expect(sent[1]?.headers.map((h) => h.name)).not.toContain('Cookie');
  });
  test('a simple GET needs no preflight; HEAD stays HEAD', () => {
    expect(probeRequests({ ...call, method: 'GET', headers: [], body: null }, probe('null')).map((r) => r.method)).toEqual(['GET']);
    expect(probeRequests({ ...call, method: 'HEAD', headers: [], body: null }, probe('null')).map((r) => r.method)).toEqual(['HEAD']);
  });
});
