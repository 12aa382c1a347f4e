import { describe, expect, test } from 'vitest';
import { exchange, PAGE } from '../test-support/exchange.ts';
import { divergence } from './divergence.ts';

const ACAO = 'access-control-allow-origin';

describe('divergence', () => {
  test('both pass: the same decision, nothing to tell', () => {
    const d = divergence(exchange({ response: { headers: { [ACAO]: '*' } }, error: null }));
    expect(d).toEqual({ same: true, chromium: { outcome: 'pass' }, firefox: { outcome: 'pass' }, text: null });
  });

  test('both fail, for reasons each browser names its own way: still the same decision', () => {
    const d = divergence(exchange({ response: { headers: { [ACAO]: 'https://other.example' } } }));
    expect(d.same).toBe(true);
    expect(d.chromium).toEqual({ outcome: 'fail', reason: 'AllowOriginMismatch: https://other.example' });
    expect(d.firefox).toEqual({ outcome: 'fail', reason: 'CORSAllowOriginNotMatchingOrigin: https://other.example' });
  });

  test("an empty Access-Control-Allow-Origin line beside '*': Firefox drops the empty line and passes", () => {
    const d = divergence(exchange({ response: { headers: { [ACAO]: ['', '*'] } } }));
    expect(d.same).toBe(false);
    expect(d.text).toBe('passes in Firefox, fails in Chromium (MultipleAllowOriginValues: , *)');
  });

  test('two lines named exactly Access-Control-Allow-Origin: both refuse, Firefox as "multiple"', () => {
    const d = divergence(exchange({ response: { headers: { 'Access-Control-Allow-Origin': [PAGE, PAGE] } } }));
    expect(d.same).toBe(true);
    expect(d.firefox).toEqual({ outcome: 'fail', reason: 'CORSMultipleAllowOriginNotAllowed' });
  });

  test('a same-origin redirect to a URL with user:pass@: Chromium refuses it without a CORS error, Firefox follows', () => {
    const d = divergence(
      exchange({
        url: `${PAGE}/a`,
        response: { status: 302, headers: { location: 'https://user:pass@app.example/b' } },
        redirects: [{ url: 'https://user:pass@app.example/b' }],
        error: null,
      }),
    );
    expect(d.text).toBe('passes in Firefox, fails in Chromium (a network error without a CORS reason)');
  });

  test('Chromium stopped at a preflight Firefox would pass: what Firefox does next is unknown, not a guess', () => {
    const d = divergence(
      exchange({ method: 'PUT', preflight: { headers: { [ACAO]: ['', '*'], 'access-control-allow-methods': 'PUT' } }, response: null }),
    );
    expect(d.chromium).toEqual({ outcome: 'fail', reason: 'PreflightMultipleAllowOriginValues: , *' });
    expect(d.firefox).toEqual({ outcome: 'unknown' });
    expect(d).toMatchObject({ same: true, text: null });
  });

  test("a preflight after a tainting redirect: Firefox sends the page's origin, so Chromium's answer to null tells nothing", () => {
    const other = 'https://cdn.example/x';
    const d = divergence(
      exchange({
        method: 'PUT',
        preflight: { headers: { [ACAO]: PAGE, 'access-control-allow-methods': 'PUT' } },
        response: { status: 307, headers: { [ACAO]: PAGE, location: other } },
        redirects: [
          {
            url: other,
            preflight: { requestHeaders: { origin: 'null' }, headers: { [ACAO]: 'null', 'access-control-allow-methods': 'PUT' } },
            response: { headers: { [ACAO]: 'null' } },
          },
        ],
        error: null,
      }),
    );
    expect(d.chromium).toEqual({ outcome: 'pass' });
    expect(d.firefox).toEqual({ outcome: 'unknown' });
  });

  test('the request as the page asked: credentials decide in both modes', () => {
    const credentialed = exchange({ credentials: 'include', response: { headers: { [ACAO]: '*' } } });
    expect(divergence(credentialed).chromium).toEqual({ outcome: 'fail', reason: 'WildcardOriginNotAllowed' });
    expect(divergence(credentialed).firefox).toEqual({ outcome: 'fail', reason: 'CORSNotSupportingCredentials' });
    expect(divergence(credentialed, 'omit').same).toBe(true);
    expect(divergence(credentialed, 'omit').chromium).toEqual({ outcome: 'pass' });
  });
});
