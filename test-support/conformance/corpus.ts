/**
 * The shape of the conformance corpora: corpus.json, written by scripts/record-conformance.ts from a real Chromium and
 * read by the engine's conformance test and the live replay (e2e/conformance-replay.spec.ts), and corpus-firefox.json,
 * written by scripts/record-conformance-firefox.ts from a real Firefox. Types only.
 */
import type { FirefoxReason } from '../../src/cors/firefox-messages.ts';
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

/** What both corpora say about their recording: the browser, when, by which script, on which origins, field by field. */
interface RecordingHead {
  readonly product: string;
  readonly browserPath: string;
  readonly recordedAt: string;
  readonly recorder: string;
  readonly origins: Readonly<Record<string, string>>;
  readonly fields: Readonly<Record<string, string>>;
}

export interface Corpus extends RecordingHead {
  /** The Chromium version the corpus was recorded with. */
  readonly chromium: string;
  readonly scenarios: readonly CorpusScenario[];
}

/** Firefox's verdict for a request: the first CORS check it reported failing, as MDN names it, and the value it named. */
export interface FirefoxExpected {
  readonly reason: FirefoxReason;
  /** The value the message names (status code, Access-Control-Allow-Origin value, token, header); '' when none. */
  readonly parameter: string;
}

/** One scenario as Firefox ran it (corpus-firefox.json, written by scripts/record-conformance-firefox.ts). */
export interface FirefoxCorpusScenario {
  readonly id: string;
  readonly source: string;
  readonly description: string;
  readonly exchange: Exchange;
  /** The first blocking CORS message Firefox logged for the request, read back; null when it logged none. */
  readonly expected: FirefoxExpected | null;
  /** Every CORS message Firefox logged for the request (errors and warnings), word for word, in the order logged. */
  readonly messages: readonly string[];
  /** What the page saw: the call resolved ('ok') or failed. */
  readonly page: 'ok' | 'failed';
  readonly wptExpects?: 'pass' | 'fail';
  readonly note?: string;
}

export interface FirefoxCorpus extends RecordingHead {
  /** The Firefox version the corpus was recorded with. */
  readonly firefox: string;
  /** Scenarios of the Chromium corpus not recorded here, each with why. */
  readonly notRecorded: readonly { readonly id: string; readonly why: string }[];
  readonly scenarios: readonly FirefoxCorpusScenario[];
}
