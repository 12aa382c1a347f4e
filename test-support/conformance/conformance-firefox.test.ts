/**
 * The engine's Firefox mode against Firefox itself: every scenario of the Firefox corpus (recorded from a real
 * Firefox ESR by `npm run record:conformance:firefox`, see scripts/record-conformance-firefox.ts) must get exactly
 * Firefox's verdict: the reason and value of its first message, every console message word for word, and whether
 * the request failed. No tolerance.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { evaluateFirefox } from '../../src/cors/firefox.ts';
import type { FirefoxCorpus } from './corpus.ts';

const corpus = JSON.parse(readFileSync(new URL('./corpus-firefox.json', import.meta.url), 'utf8')) as FirefoxCorpus;

describe('the Firefox corpus', () => {
  test('was recorded from a real Firefox', () => {
    expect(corpus.firefox).toMatch(/^\d+\.\d+(\.\d+)?/);
    expect(Number.isNaN(Date.parse(corpus.recordedAt))).toBe(false);
  });
  test('has at least 200 scenarios, each with its own id, and blocked requests among them', () => {
    expect(corpus.scenarios.length).toBeGreaterThanOrEqual(200);
    expect(new Set(corpus.scenarios.map((s) => s.id)).size).toBe(corpus.scenarios.length);
    expect(corpus.scenarios.filter((s) => s.expected).length).toBeGreaterThan(100);
  });
});

describe(`the engine's Firefox mode agrees with Firefox ${corpus.firefox}`, () => {
  test.each(corpus.scenarios.map((s) => [s.id, s] as const))('%s', (_id, scenario) => {
    const verdict = evaluateFirefox(scenario.exchange, scenario.exchange.request.credentials.mode);
    expect({ status: verdict.status, messages: verdict.messages, blocked: verdict.blocked }, scenario.description).toEqual({
      status: scenario.expected,
      messages: scenario.messages,
      blocked: scenario.page === 'failed',
    });
  });
});
