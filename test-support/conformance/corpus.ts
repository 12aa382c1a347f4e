/**
 * The shape of the conformance corpus (corpus.json), written by scripts/record-conformance.ts from a real Chromium and
 * read by the engine's conformance test and the live replay (e2e/conformance-replay.spec.ts). Types only.
 */
import type { CorsErrorStatus, Exchange } from '../../src/model.ts';

export interface CorpusScenario {
  readonly id: string;
  readonly source: string;
  readonly description: string;
  readonly exchange: Exchange;
  readonly expected: CorsErrorStatus | null;
  readonly wptExpects?: 'pass' | 'fail';
  readonly note?: string;
}

export interface Corpus {
  /** The Chromium version the corpus was recorded with. */
  readonly chromium: string;
  readonly product: string;
  readonly browserPath: string;
  readonly recordedAt: string;
  readonly recorder: string;
  readonly origins: Readonly<Record<string, string>>;
  readonly fields: Readonly<Record<string, string>>;
  readonly scenarios: readonly CorpusScenario[];
}
