/** Core throughput: diagnoses per second over the conformance corpus (a mix of every CORS check and outcome). */
import fs from 'node:fs';
import path from 'node:path';
import { diagnose, judge } from '../src/diagnose.ts';
import type { Exchange } from '../src/model.ts';

export function coreThroughput(seconds = 2): { perSecond: number; verdictsPerSecond: number; scenarios: number } {
  const corpus = JSON.parse(fs.readFileSync(path.resolve('test-support/conformance/corpus.json'), 'utf8')) as {
    scenarios: { exchange: Exchange }[];
  };
  const exchanges = corpus.scenarios.map((s) => s.exchange);
  const run = (fn: (e: Exchange) => unknown) => {
    for (const e of exchanges) fn(e); // warm-up
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < seconds * 1000) {
      for (const e of exchanges) fn(e);
      n += exchanges.length;
    }
    return (n / (performance.now() - t0)) * 1000;
  };
  return { perSecond: run(diagnose), verdictsPerSecond: run(judge), scenarios: exchanges.length };
}
