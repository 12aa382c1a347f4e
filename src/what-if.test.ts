import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import type { Corpus } from '../test-support/conformance/corpus.ts';
import { exchange } from '../test-support/exchange.ts';
import { evaluate } from './cors/engine.ts';
import { diagnose, explain } from './diagnose.ts';
import { draftFrom, fixableByHeaders, formatHeaders, parseHeaders, parseStatus, runWhatIf, suggestedDraft } from './what-if.ts';

const corpus = JSON.parse(readFileSync(new URL('../test-support/conformance/corpus.json', import.meta.url), 'utf8')) as Corpus;

describe('header lines as text', () => {
  test('read back exactly what was written, padding and tabs included', () => {
    const headers = [
      { name: 'Access-Control-Allow-Origin', value: ' *  ' },
      { name: 'access-control-allow-origin', value: '\thttp://a.example' },
      { name: 'X-Empty', value: '' },
      { name: 'X-Colon', value: 'a: b' },
    ];
    expect(parseHeaders(formatHeaders(headers))).toEqual({ headers, errors: [] });
  });
  test('a line without a colon or with a bad name is reported, not applied', () => {
    const { headers, errors } = parseHeaders('Vary: Origin\nnonsense\nbad name: x\n\n', 'response line');
    expect(headers).toEqual([{ name: 'Vary', value: 'Origin' }]);
    expect(errors).toEqual(['response line 2: no colon (write Name: value)', "response line 3: 'bad name' is not a header name"]);
  });
  test('statuses', () => {
    expect(parseStatus('204')).toBe(204);
    expect(parseStatus(' 500 ')).toBe(500);
    expect(parseStatus('20')).toBeNull();
    expect(parseStatus('700')).toBeNull();
  });
});

describe(`what-if agrees with the engine on the conformance corpus (Chromium ${corpus.chromium})`, () => {
  test.each(corpus.scenarios.map((s) => [s.id, s] as const))('%s', (_id, scenario) => {
    const ex = scenario.exchange;
    const credentials = ex.request.credentials;
    const verdict = evaluate(ex, credentials.mode);
    // Nothing edited: the draft, written out as text and read back, is judged exactly as Chromium judged the original.
    const result = runWhatIf(ex, credentials, draftFrom(ex, verdict.hop));
    expect(result.errors).toEqual([]);
    expect(result.diagnosis.status, scenario.description).toEqual(scenario.expected);
    // The suggested fix, when headers can fix it, makes the hop at fault pass.
    const diagnosis = explain(ex, { verdict, credentials });
    const fixed = suggestedDraft(ex, diagnosis, draftFrom(ex, verdict.hop));
    if (scenario.expected && fixed) {
      const after = runWhatIf(ex, credentials, fixed).diagnosis;
      // Or it reveals the next problem: a later hop, or one no header can fix (a redirect to user:password@).
      if (after.status && fixableByHeaders(after.status.corsError)) {
        expect(after.hop, `${scenario.id}: still ${after.status.corsError}`).toBeGreaterThan(verdict.hop);
      }
    }
  });

  test('the suggested fix is offered for most failures', () => {
    const failing = corpus.scenarios.filter((s) => s.expected);
    const offered = failing.filter((s) => {
      const d = diagnose(s.exchange);
      return d.status && suggestedDraft(s.exchange, d, draftFrom(s.exchange, d.hop)) !== null;
    });
    expect(offered.length / failing.length).toBeGreaterThan(0.8);
  });
});

describe('editing', () => {
  test('adding Access-Control-Allow-Credentials flips the seed failure to pass, in the same words', () => {
    const ex = exchange({ credentials: 'include', response: { headers: { 'access-control-allow-origin': 'https://app.example' } } });
    const d = diagnose(ex);
    const draft = draftFrom(ex, d.hop);
    const before = runWhatIf(ex, d.credentials, draft).diagnosis;
    expect(before.consoleMessage).toBe(d.consoleMessage);
    const after = runWhatIf(ex, d.credentials, {
      ...draft,
      response: { status: '200', headers: `${draft.response?.headers}\nAccess-Control-Allow-Credentials: true` },
    });
    expect(after.diagnosis.result).toBe('pass');
    const typo = runWhatIf(ex, d.credentials, {
      ...draft,
      response: { status: '200', headers: 'Access-Control-Allow-Origin: https://app.example\nAccess-Control-Allow-Credentials: TRUE' },
    });
    expect(typo.diagnosis.status?.corsError).toBe('InvalidAllowCredentials');
    expect(typo.diagnosis.consoleMessage).toContain("is 'TRUE'");
  });
  test('a preflight that stopped the request: the fix adds the response it never had, and passes', () => {
    const ex = exchange({
      method: 'PUT',
      requestHeaders: { 'content-type': 'application/json' },
      preflight: {
        headers: { 'access-control-allow-origin': 'https://app.example' },
        requestHeaders: { 'access-control-request-headers': 'content-type' },
      },
      response: null,
    });
    const d = diagnose(ex);
    expect(d.status?.corsError).toBe('MethodDisallowedByPreflightResponse');
    const draft = draftFrom(ex, d.hop);
    expect(draft.response).toBeNull();
    const fixed = suggestedDraft(ex, d, draft);
    expect(fixed?.preflight?.headers).toContain('Access-Control-Allow-Methods: GET, HEAD, POST, PUT');
    expect(fixed?.preflight?.headers).toContain('Access-Control-Allow-Headers: Content-Type');
    expect(fixed && runWhatIf(ex, d.credentials, fixed).diagnosis.result).toBe('pass');
  });
});
