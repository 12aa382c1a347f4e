/** How many of the shown records are CORS failures, look-alikes and warnings: only the first are failures. */
import type { LogRecord } from '../../src/index.ts';

export interface Counts {
  readonly failures: number;
  readonly lookalikes: number;
  readonly warnings: number;
}

export function countsOf(records: readonly LogRecord[]): Counts {
  let failures = 0;
  let lookalikes = 0;
  let warnings = 0;
  for (const r of records) {
    if (r.kind === 'cors') failures++;
    else if (r.kind === 'lookalike') lookalikes++;
    else warnings++;
  }
  return { failures, lookalikes, warnings };
}
