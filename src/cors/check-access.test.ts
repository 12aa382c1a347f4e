/**
 * The CORS check, case by case. Expected verdicts come from Chromium's CheckAccessInternal (cors.cc, quoted in the
 * research notes) and were confirmed live for the common cases by e2e/seed.spec.ts and the conformance corpus.
 */
import { describe, expect, test } from 'vitest';
import { type AccessInput, checkAccess } from './check-access.ts';

const ORIGIN = 'https://app.example';
const base: AccessInput = { allowOrigin: ORIGIN, allowCredentials: null, credentials: 'same-origin', origin: ORIGIN, httpResponse: true };
const run = (patch: Partial<AccessInput>) => checkAccess({ ...base, ...patch });

describe('checkAccess', () => {
  test.each([
    ['exact origin', { allowOrigin: ORIGIN }, null],
    ['wildcard without credentials', { allowOrigin: '*' }, null],
    ['wildcard with credentials', { allowOrigin: '*', credentials: 'include', allowCredentials: 'true' }, ['WildcardOriginNotAllowed', '']],
    [
      'wildcard with credentials on a non-http response falls through to the credentials check',
      { allowOrigin: '*', credentials: 'include', httpResponse: false },
      ['InvalidAllowCredentials', ''],
    ],
    ['missing', { allowOrigin: null }, ['MissingAllowOriginHeader', '']],
    [
      'two values joined by a comma',
      { allowOrigin: `${ORIGIN}, https://b.example` },
      ['MultipleAllowOriginValues', `${ORIGIN}, https://b.example`],
    ],
    ['a space inside', { allowOrigin: 'https://a b' }, ['MultipleAllowOriginValues', 'https://a b']],
    ['two identical lines (joined)', { allowOrigin: `${ORIGIN}, ${ORIGIN}` }, ['MultipleAllowOriginValues', `${ORIGIN}, ${ORIGIN}`]],
    ['null for a real origin', { allowOrigin: 'null' }, ['AllowOriginMismatch', 'null']],
    ['null for an opaque origin passes', { allowOrigin: 'null', origin: 'null' }, null],
    ['host without scheme is invalid', { allowOrigin: 'app.example' }, ['InvalidAllowOriginValue', 'app.example']],
    ['empty value is invalid', { allowOrigin: '' }, ['InvalidAllowOriginValue', '']],
    ['trailing slash parses, so mismatch', { allowOrigin: `${ORIGIN}/` }, ['AllowOriginMismatch', `${ORIGIN}/`]],
    [
      'upper-case scheme is a mismatch (byte comparison)',
      { allowOrigin: 'HTTPS://app.example' },
      ['AllowOriginMismatch', 'HTTPS://app.example'],
    ],
    [
      'default port written out is a mismatch',
      { allowOrigin: 'https://app.example:443' },
      ['AllowOriginMismatch', 'https://app.example:443'],
    ],
    ['another origin', { allowOrigin: 'https://evil.example' }, ['AllowOriginMismatch', 'https://evil.example']],
    ['credentials without ACAC', { credentials: 'include' }, ['InvalidAllowCredentials', '']],
    ['credentials with ACAC true', { credentials: 'include', allowCredentials: 'true' }, null],
    [
      "credentials with ACAC 'TRUE' (case-sensitive)",
      { credentials: 'include', allowCredentials: 'TRUE' },
      ['InvalidAllowCredentials', 'TRUE'],
    ],
    ["credentials with ACAC 'false'", { credentials: 'include', allowCredentials: 'false' }, ['InvalidAllowCredentials', 'false']],
    [
      'two ACAC true lines are not true',
      { credentials: 'include', allowCredentials: 'true, true' },
      ['InvalidAllowCredentials', 'true, true'],
    ],
    ["credentials 'same-origin' ignores ACAC", { credentials: 'same-origin', allowCredentials: 'false' }, null],
    [
      'mismatch is reported before credentials',
      { allowOrigin: 'https://evil.example', credentials: 'include' },
      ['AllowOriginMismatch', 'https://evil.example'],
    ],
  ] as const)('%s', (_name, patch, expected) => {
    const result = run(patch as Partial<AccessInput>);
    if (expected === null) expect(result).toEqual({ ok: true });
    else expect(result).toEqual({ ok: false, error: expected[0], failedParameter: expected[1] });
  });
});
