/**
 * The engine against Chromium itself: every scenario of the conformance corpus (recorded from a real Chromium by
 * `npm run record:conformance`, see scripts/record-conformance.ts) must get exactly the verdict Chromium gave it,
 * code and failedParameter. No tolerance: a disagreement is a bug in the engine or a Chromium change to study.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { evaluate } from '../../src/cors/engine.ts';
import { blinkHeaderOrder } from '../../src/cors/header-order.ts';
import type { Corpus } from './corpus.ts';

const corpus = JSON.parse(readFileSync(new URL('./corpus.json', import.meta.url), 'utf8')) as Corpus;

describe('the corpus', () => {
  test('was recorded from a real Chromium', () => {
    expect(corpus.chromium).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(Number.isNaN(Date.parse(corpus.recordedAt))).toBe(false);
  });
  test('has at least 200 scenarios, each with its own id', () => {
    expect(corpus.scenarios.length).toBeGreaterThanOrEqual(200);
    expect(new Set(corpus.scenarios.map((s) => s.id)).size).toBe(corpus.scenarios.length);
  });
});

describe(`the engine agrees with Chromium ${corpus.chromium}`, () => {
  test.each(corpus.scenarios.map((s) => [s.id, s] as const))('%s', (_id, scenario) => {
    const verdict = evaluate(scenario.exchange, scenario.exchange.request.credentials.mode);
    expect(verdict.status, scenario.description).toEqual(scenario.expected);
    // Failed or not, as the page saw it: an opaque no-cors response ends in net::ERR_ABORTED but reaches the page.
    const opaque = scenario.exchange.request.mode === 'no-cors';
    expect(verdict.blocked, `${scenario.description}: blocked`).toBe(scenario.exchange.error !== null && !opaque);
  });
});

/**
 * The same verdicts from what the extension sees: when the preflight stops a request, the request itself never
 * reaches webRequest and the capture knows only the names Access-Control-Request-Headers lists (capture/tracker.ts),
 * so the engine infers Blink's own headers. (It cannot know safelisted headers the page set, which also sit in Blink's
 * header map; none of the recorded cases needs them.)
 */
describe('the engine agrees with Chromium from the names the preflight lists', () => {
  test.each(corpus.scenarios.map((s) => [s.id, s] as const))('%s', (_id, scenario) => {
    const first = scenario.exchange.hops[0];
    const listed = first?.preflight?.requestHeaders.find((h) => h.name.toLowerCase() === 'access-control-request-headers')?.value ?? '';
    const headers = first?.requestHeaders ?? listed.split(',').flatMap((name) => (name ? [{ name, value: '' }] : []));
    const exchange = { ...scenario.exchange, request: { ...scenario.exchange.request, headers } };
    expect(evaluate(exchange, exchange.request.credentials.mode).status, scenario.description).toEqual(scenario.expected);
  });
});

/**
 * The rule behind HeaderDisallowedByPreflightResponse's failedParameter, checked on more than the failures: Chromium
 * sends a request's headers in the network service's header order, so on every request that reached the network the
 * page's headers, the client hints and User-Agent must come in the order header-order.ts computes.
 */
describe("Blink's header-map order matches the wire", () => {
  const hops = corpus.scenarios.flatMap((s) =>
    s.exchange.hops.flatMap((hop, i) => (hop.requestHeaders ? [[`${s.id} hop ${i}`, s.exchange, hop.requestHeaders] as const] : [])),
  );
  test.each(hops)('%s', (_name, exchange, wire) => {
    const order = blinkHeaderOrder({ requestHeaders: exchange.request.headers, requested: [], url: exchange.request.url });
    const onWire = wire.map((h) => h.name.toLowerCase()).filter((n) => order.includes(n));
    // A redirect that changes the method drops the body headers: compare the headers this hop carried.
    expect(onWire).toEqual(order.filter((n) => onWire.includes(n)));
  });
});
