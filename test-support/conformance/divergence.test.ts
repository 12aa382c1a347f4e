/**
 * Where Chromium and Firefox decide differently, from what each recorded (corpus.json, corpus-firefox.json): the
 * list is printed, summarised in the README, and held to the divergence function (src/divergence.ts), which must
 * tell the same story from either browser's exchange, or say it cannot tell.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { type BrowserDecision, chromiumDecision, divergence, firefoxDecision } from '../../src/divergence.ts';
import type { Corpus, FirefoxCorpus } from './corpus.ts';

const read = <T>(name: string) => JSON.parse(readFileSync(new URL(name, import.meta.url), 'utf8')) as T;
const chromium = read<Corpus>('./corpus.json');
const firefox = read<FirefoxCorpus>('./corpus-firefox.json');
const firefoxById = new Map(firefox.scenarios.map((s) => [s.id, s]));

/** Each scenario both browsers ran, with what each recorded: failed (as the page saw it) or not. */
const rows = chromium.scenarios.flatMap((c) => {
  const f = firefoxById.get(c.id);
  if (!f) return [];
  const chromiumFails = c.exchange.error !== null && c.exchange.request.mode !== 'no-cors';
  const firefoxFails = f.page === 'failed';
  return [{ id: c.id, description: c.description, c, f, chromiumFails, firefoxFails }];
});
const differing = rows.filter((r) => r.chromiumFails !== r.firefoxFails);
const outcome = (fails: boolean) => (fails ? 'fail' : 'pass');
const known = (d: BrowserDecision) => d.outcome !== 'unknown';

describe('Chromium and Firefox, scenario by scenario', () => {
  test('both corpora cover the same scenarios', () => {
    expect(rows.length).toBe(chromium.scenarios.length);
    expect(rows.length).toBe(firefox.scenarios.length);
  });

  test('the scenarios where they differ', () => {
    const lines = differing.map((r) => {
      const said = r.chromiumFails
        ? `passes in Firefox, fails in Chromium (${r.c.expected?.corsError ?? r.c.exchange.error})`
        : `passes in Chromium, fails in Firefox (${r.f.expected?.reason ?? r.f.exchange.error})`;
      return `  ${r.id}: ${r.description}: ${said}`;
    });
    console.log(
      `Chromium ${chromium.chromium} and Firefox ${firefox.firefox} differ in ${differing.length} scenario(s):\n${lines.join('\n')}`,
    );
    expect(differing.length).toBeGreaterThan(0);
  });

  test.each(rows.map((r) => [r.id, r] as const))('%s: the divergence function agrees with both recordings', (_id, r) => {
    for (const [name, exchange] of [
      ['Chromium', r.c.exchange],
      ['Firefox', r.f.exchange],
    ] as const) {
      const mode = exchange.request.credentials.mode;
      const c = chromiumDecision(exchange, mode);
      const f = firefoxDecision(exchange, mode);
      // From its own browser's exchange each mode must know; from the other's it may not (a preflight stopped it).
      if (name === 'Chromium' || known(c))
        expect(c.outcome, `Chromium's decision from the ${name} exchange`).toBe(outcome(r.chromiumFails));
      if (name === 'Firefox' || known(f)) expect(f.outcome, `Firefox's decision from the ${name} exchange`).toBe(outcome(r.firefoxFails));
      const d = divergence(exchange);
      if (known(c) && known(f)) expect(d.same, `divergence from the ${name} exchange`).toBe(r.chromiumFails === r.firefoxFails);
    }
  });

  test('every difference is told from at least one of the two exchanges, or is unknowable from both', () => {
    const untold: string[] = [];
    for (const r of differing) {
      const ds = [r.c.exchange, r.f.exchange].map((e) => divergence(e));
      const told = ds.find((d) => !d.same);
      if (told) {
        expect(told.text, r.id).toMatch(
          r.chromiumFails ? /^passes in Firefox, fails in Chromium \(.+\)$/ : /^passes in Chromium, fails in Firefox \(.+\)$/,
        );
        continue;
      }
      // Unknowable: the server answered an Origin the other browser would not have sent (its preflight's Origin).
      expect([ds[0]?.firefox.outcome, ds[1]?.chromium.outcome], r.id).toEqual(['unknown', 'unknown']);
      untold.push(r.id);
    }
    console.log(
      `Told from neither exchange (each browser's servers answered an Origin the other does not send): ${untold.join(', ') || 'none'}`,
    );
    expect(untold.length).toBeLessThan(differing.length);
  });
});
