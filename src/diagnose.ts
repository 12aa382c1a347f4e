/**
 * Exchange in, diagnosis out: Chromium's verdict (engine) in Chromium's words (catalog), Firefox's own verdict and
 * words (cors/firefox.ts), whether the two differ, the headers at fault, the look-alikes that are not CORS rule
 * violations, and the warnings worth knowing.
 */
import { evaluate, networkHeaderValue, type Verdict } from './cors/engine.ts';
import { evaluateFirefox, type FirefoxVerdict } from './cors/firefox.ts';
import { type FirefoxReason as FirefoxReasonName, firefoxMdnUrl } from './cors/firefox-messages.ts';
import { announcedHeaderReason, unsafeRequestHeaders } from './cors/safelist.ts';
import { compareVerdicts } from './divergence.ts';
import { consoleMessage, ERRORS, type MessageContext } from './explain/catalog.ts';
import { lookalikeOf, lookalikeText } from './explain/lookalikes.ts';
import { warningsFor } from './explain/warnings.ts';
import { clampText, headerValue, headerValues } from './headers.ts';
import type {
  CorsErrorCode,
  Credentials,
  Diagnosis,
  Exchange,
  FirefoxReason,
  HeaderFinding,
  Hop,
  Note,
  ResponseFacts,
  Stage,
} from './model.ts';

/** The error Chromium ends a CORS-blocked request with. */
export const CORS_NET_ERROR = 'net::ERR_FAILED';

/**
 * The credentials mode to judge with. When nothing observed says how the page asked, the API default applies
 * ('same-origin', which CORS treats like 'omit'), unless only 'include' explains the browser's refusal.
 */
export interface Judgement {
  readonly verdict: Verdict;
  readonly credentials: Credentials;
}

export function judge(exchange: Exchange): Judgement {
  const stated = exchange.request.credentials;
  if (stated.source !== 'default') return { verdict: evaluate(exchange, stated.mode), credentials: stated };
  const plain = evaluate(exchange, stated.mode);
  if (plain.status || exchange.error !== CORS_NET_ERROR) return { verdict: plain, credentials: stated };
  const credentialed = evaluate(exchange, 'include');
  if (credentialed.status) return { verdict: credentialed, credentials: { mode: 'include', source: 'inferred' } };
  return { verdict: plain, credentials: stated };
}

export function diagnose(exchange: Exchange): Diagnosis {
  return explain(exchange, judge(exchange));
}

/**
 * Words a judgement: the texts, the headers at fault, the notes and warnings. Split from judging so that a stored
 * record keeps only the (small) judgement, made on the full headers, and the panel words it from the stored exchange.
 */
export function explain(exchange: Exchange, judgement: Judgement): Diagnosis {
  const { verdict, credentials } = judgement;
  const hop = exchange.hops[verdict.hop] ?? exchange.hops[exchange.hops.length - 1];
  const notes = notesFor(exchange, verdict, credentials);
  const warnings = warningsFor(exchange, credentials);
  const lookalike = lookalikeOf(exchange, verdict, credentials);
  const firefoxVerdict = evaluateFirefox(exchange, credentials.mode);
  const firefox = firefoxReason(firefoxVerdict);
  const browsers = compareVerdicts(exchange, verdict, firefoxVerdict);

  if (!verdict.status) {
    const text = lookalike ? lookalikeText(lookalike, exchange, verdict) : null;
    return {
      result: lookalike ? 'lookalike' : 'pass',
      status: null,
      stage: verdict.stage,
      hop: verdict.hop,
      origin: verdict.origin,
      consoleMessage: '',
      firefox,
      divergence: browsers,
      title: diagnosisTitle(exchange, judgement),
      explanation: text?.explanation ?? '',
      headers: [],
      credentials,
      lookalike,
      notes,
      warnings,
    };
  }

  const code = verdict.status.corsError;
  const info = ERRORS[code];
  const ctx = messageContext(exchange, verdict, hop);
  const lookalikeExplanation = lookalike ? lookalikeText(lookalike, exchange, verdict) : null;
  return {
    result: 'fail',
    status: { corsError: code, failedParameter: clampText(verdict.status.failedParameter, 1024) },
    stage: verdict.stage,
    hop: verdict.hop,
    origin: verdict.origin,
    consoleMessage: clampText(
      consoleMessage(code, ctx, exchange.request.url, hop?.url ?? exchange.request.url, exchange.request.origin),
      4096,
    ),
    firefox,
    divergence: browsers,
    title: diagnosisTitle(exchange, judgement),
    explanation: lookalikeExplanation ? lookalikeExplanation.explanation : info.explain(ctx),
    ...(lookalikeExplanation ? { rule: info.explain(ctx) } : {}),
    headers: findings(code, exchange, verdict, hop, credentials),
    credentials,
    lookalike,
    notes,
    warnings,
  };
}

/** A verdict made in Firefox mode, as a record keeps it (judged on the full exchange, before redaction). */
export interface FirefoxJudgement {
  readonly reason: FirefoxReasonName;
  /** The value Firefox's message names ('' when none). */
  readonly parameter: string;
  readonly stage: Stage | null;
  readonly hop: number;
  /** The origin Firefox compared with. */
  readonly origin: string;
  /** Firefox's console message for it, word for word. */
  readonly message: string;
}

/**
 * The error a request Firefox blocked for CORS ends with (its CORS listener cancels the channel with it; the Firefox
 * corpus records it). Chromium's engine reads any error as "the request ended here", like net::ERR_FAILED.
 */
export const FIREFOX_CORS_ERROR = 'NS_ERROR_DOM_BAD_URI';

/** Chromium's code for the same check, to word a Firefox verdict in the catalog's plain words. */
const SAME_CHECK: Partial<Record<FirefoxReasonName, readonly [response: CorsErrorCode, preflight: CorsErrorCode]>> = {
  CORSMissingAllowOrigin: ['MissingAllowOriginHeader', 'PreflightMissingAllowOriginHeader'],
  CORSMultipleAllowOriginNotAllowed: ['MultipleAllowOriginValues', 'PreflightMultipleAllowOriginValues'],
  CORSAllowOriginNotMatchingOrigin: ['AllowOriginMismatch', 'PreflightAllowOriginMismatch'],
  CORSNotSupportingCredentials: ['WildcardOriginNotAllowed', 'PreflightWildcardOriginNotAllowed'],
  CORSMissingAllowCredentials: ['InvalidAllowCredentials', 'PreflightInvalidAllowCredentials'],
  CORSPreflightDidNotSucceed: ['PreflightInvalidStatus', 'PreflightInvalidStatus'],
  CORSExternalRedirectNotAllowed: ['PreflightDisallowedRedirect', 'PreflightDisallowedRedirect'],
  CORSMethodNotFound: ['MethodDisallowedByPreflightResponse', 'MethodDisallowedByPreflightResponse'],
  CORSInvalidAllowMethod: ['InvalidAllowMethodsPreflightResponse', 'InvalidAllowMethodsPreflightResponse'],
  CORSInvalidAllowHeader: ['InvalidAllowHeadersPreflightResponse', 'InvalidAllowHeadersPreflightResponse'],
  CORSMissingAllowHeaderFromPreflight: ['HeaderDisallowedByPreflightResponse', 'HeaderDisallowedByPreflightResponse'],
  CORSRequestNotHttp: ['CorsDisabledScheme', 'CorsDisabledScheme'],
};

/**
 * Words a verdict made in Firefox mode (a record of Firefox's own capture): Firefox's reason and console message
 * lead, and Chromium's verdict on the same exchange stays in `status`, `consoleMessage` and `divergence`. Where
 * Chromium refuses it too, its words for the rule hold; where Chromium would let it through, the title, explanation
 * and headers at fault are those of the same check in Chromium's catalog, and the divergence says Chromium passes.
 */
export function explainFirefox(exchange: Exchange, judgement: Judgement, firefox: FirefoxJudgement): Diagnosis {
  // Chromium's engine and look-alikes read Firefox's CORS error as Chromium's: the request was refused for CORS.
  const asChromium = exchange.error === FIREFOX_CORS_ERROR ? { ...exchange, error: CORS_NET_ERROR } : exchange;
  const chromium = explain(asChromium, judgement);
  const reason: FirefoxReason = { key: firefox.reason, text: firefox.message, mdnUrl: firefoxMdnUrl(firefox.reason) };
  const base: Diagnosis = { ...chromium, result: 'fail', firefox: reason };
  if (chromium.result === 'fail') return base;
  const codes = SAME_CHECK[firefox.reason];
  const where = { stage: firefox.stage, hop: firefox.hop, origin: firefox.origin };
  if (!codes) {
    return {
      ...base,
      ...where,
      title: 'Firefox refused this request',
      explanation: `Firefox refused this cross-origin request (${firefox.reason}): ${firefox.message}`,
      headers: [],
    };
  }
  const code = codes[firefox.stage === 'preflight' ? 1 : 0];
  const verdict = { ...judgement.verdict, ...where, status: { corsError: code, failedParameter: firefox.parameter } };
  const words = explain(asChromium, { verdict, credentials: judgement.credentials });
  return { ...base, ...where, title: words.title, explanation: words.explanation, headers: words.headers };
}

/** Firefox's own verdict on the exchange: its first message, word for word, and the MDN page for it. */
function firefoxReason(v: FirefoxVerdict): FirefoxReason | null {
  if (!v.status) return null;
  return { key: v.status.reason, text: clampText(v.messages[0] ?? '', 4096), mdnUrl: firefoxMdnUrl(v.status.reason) };
}

/** The one-line title of a judgement without wording the rest: what a list of thousands of rows needs. */
export function diagnosisTitle(exchange: Exchange, { verdict, credentials }: Judgement): string {
  const lookalike = lookalikeOf(exchange, verdict, credentials);
  const text = lookalike ? lookalikeText(lookalike, exchange, verdict) : null;
  if (!verdict.status) return text?.title ?? (verdict.corsApplied ? 'Passed the CORS checks' : 'Not a cross-origin request');
  const hop = exchange.hops[verdict.hop] ?? exchange.hops[exchange.hops.length - 1];
  return clampText(text?.title ?? ERRORS[verdict.status.corsError].title(messageContext(exchange, verdict, hop)), 200);
}

function responseAt(verdict: Verdict, hop: Hop | undefined): ResponseFacts | null {
  if (!hop) return null;
  return verdict.stage === 'preflight' ? (hop.preflight?.response ?? null) : hop.response;
}

function messageContext(exchange: Exchange, verdict: Verdict, hop: Hop | undefined): MessageContext {
  const response = responseAt(verdict, hop);
  const failedParameter = verdict.status?.failedParameter ?? '';
  return {
    url: hop?.url ?? exchange.request.url,
    origin: verdict.origin,
    failedParameter: clampText(failedParameter, 1024),
    method: exchange.request.method,
    initiator: exchange.request.initiator,
    status: response?.status ?? null,
    allowOrigin: response ? headerValue(response.headers, 'access-control-allow-origin') : null,
    allowCredentials: response ? headerValue(response.headers, 'access-control-allow-credentials') : null,
    location: verdict.location,
  };
}

const ACCESS_FAMILY: Partial<Record<CorsErrorCode, 'origin' | 'credentials'>> = {
  WildcardOriginNotAllowed: 'origin',
  MissingAllowOriginHeader: 'origin',
  MultipleAllowOriginValues: 'origin',
  InvalidAllowOriginValue: 'origin',
  AllowOriginMismatch: 'origin',
  InvalidAllowCredentials: 'credentials',
  PreflightWildcardOriginNotAllowed: 'origin',
  PreflightMissingAllowOriginHeader: 'origin',
  PreflightMultipleAllowOriginValues: 'origin',
  PreflightInvalidAllowOriginValue: 'origin',
  PreflightAllowOriginMismatch: 'origin',
  PreflightInvalidAllowCredentials: 'credentials',
};

/** The headers at fault for a failure: what was received, side by side with what was needed. */
function findings(
  code: CorsErrorCode,
  exchange: Exchange,
  verdict: Verdict,
  hop: Hop | undefined,
  credentials: Credentials,
): HeaderFinding[] {
  const out: HeaderFinding[] = [];
  const response = responseAt(verdict, hop);
  const where: HeaderFinding['where'] =
    verdict.stage === 'preflight' ? 'preflight-response' : verdict.stage === 'redirect' ? 'redirect-response' : 'response';
  const received = (name: string) => (response ? headerValues(response.headers, name).map((v) => clampText(v, 1024)) : []);
  const include = credentials.mode === 'include';
  const family = ACCESS_FAMILY[code];
  if (family) {
    out.push({
      name: 'Origin',
      where: verdict.stage === 'preflight' ? 'preflight-request' : 'request',
      received: [verdict.origin],
      needed: 'sent by the browser',
      state: 'browser',
    });
    out.push({
      name: 'Access-Control-Allow-Origin',
      where,
      received: received('access-control-allow-origin'),
      needed: include ? `exactly ${verdict.origin} (not '*': the request has credentials)` : `${verdict.origin} or '*'`,
      state: family === 'origin' ? 'fault' : 'ok',
    });
    if (include) {
      out.push({
        name: 'Access-Control-Allow-Credentials',
        where,
        received: received('access-control-allow-credentials'),
        needed: 'exactly true (lower-case)',
        // Checked after the origin: when the origin fails, a wrong value here fails next.
        state:
          family === 'credentials' || networkHeaderValue(response?.headers ?? [], 'access-control-allow-credentials') !== 'true'
            ? 'fault'
            : 'ok',
      });
    }
    if (code.endsWith('AllowOriginMismatch') || code.endsWith('MultipleAllowOriginValues')) {
      const vary = received('vary').join(',').toLowerCase();
      out.push({
        name: 'Vary',
        where,
        received: received('vary'),
        needed: 'Origin (when the value is chosen per request)',
        state: /(^|,)\s*(origin|\*)\s*(,|$)/.test(vary) ? 'ok' : 'advice',
      });
    }
    return out;
  }
  const preflight = hop?.preflight;
  switch (code) {
    case 'PreflightInvalidStatus':
    case 'PreflightDisallowedRedirect':
      out.push({
        name: 'HTTP status',
        where,
        received: response ? [String(response.status)] : [],
        needed: '2xx (204 is usual)',
        state: 'fault',
      });
      if (code === 'PreflightDisallowedRedirect')
        out.push({ name: 'Location', where, received: received('location'), needed: 'no redirect', state: 'fault' });
      break;
    case 'InvalidAllowMethodsPreflightResponse':
    case 'MethodDisallowedByPreflightResponse': {
      const method = preflight
        ? (headerValue(preflight.requestHeaders, 'access-control-request-method') ?? exchange.request.method)
        : exchange.request.method;
      out.push({
        name: 'Access-Control-Request-Method',
        where: 'preflight-request',
        received: [method],
        needed: 'sent by the browser',
        state: 'browser',
      });
      out.push({
        name: 'Access-Control-Allow-Methods',
        where,
        received: received('access-control-allow-methods'),
        needed:
          code === 'InvalidAllowMethodsPreflightResponse'
            ? 'comma-separated method names'
            : `a list including ${method}${include ? '' : " (or '*')"}`,
        state: 'fault',
      });
      break;
    }
    case 'InvalidAllowHeadersPreflightResponse':
    case 'HeaderDisallowedByPreflightResponse': {
      const requested = preflight ? headerValue(preflight.requestHeaders, 'access-control-request-headers') : null;
      out.push({
        name: 'Access-Control-Request-Headers',
        where: 'preflight-request',
        received: requested === null ? [] : [requested],
        needed: 'sent by the browser',
        state: 'browser',
      });
      const header = verdict.status?.failedParameter ?? '';
      out.push({
        name: 'Access-Control-Allow-Headers',
        where,
        received: received('access-control-allow-headers'),
        needed:
          code === 'InvalidAllowHeadersPreflightResponse'
            ? 'comma-separated header names'
            : `a list including ${header}${include ? " ('*' is literal with credentials)" : header === 'authorization' ? " (by name: the Fetch standard never lets '*' cover it)" : " (or '*')"}`,
        state: 'fault',
      });
      break;
    }
    case 'RedirectContainsCredentials':
      out.push({
        name: 'Location',
        where: 'redirect-response',
        received: received('location'),
        needed: 'a URL without user:password@',
        state: 'fault',
      });
      break;
    default:
      break;
  }
  return out;
}

function notesFor(exchange: Exchange, verdict: Verdict, credentials: Credentials): Note[] {
  const notes: Note[] = [];
  const first = exchange.hops[0];
  // The request itself never reached the network: its headers are the names the preflight announced, without values.
  const announcedOnly = first !== undefined && !first.requestHeaders && first.preflight !== null;
  if (verdict.preflightReasons.length > 0 && verdict.corsApplied) {
    const why = verdict.preflightReasons
      .map((r) =>
        r.kind === 'header' && announcedOnly && (headerValue(exchange.request.headers, r.name) ?? '') === ''
          ? announcedHeaderReason(r.name)
          : r.detail,
      )
      .join('; ');
    notes.push({ kind: 'preflight-reason', text: `A preflight was needed because ${why}.` });
  }
  if (verdict.preflightCached) {
    notes.push({
      kind: 'preflight-cached',
      text: 'No OPTIONS request was seen: a preflight cache entry from an earlier preflight (Access-Control-Max-Age) answered for it.',
    });
  }
  if (credentials.source === 'inferred') {
    notes.push({
      kind: 'credentials-inferred',
      text: "The page's credentials setting was not observed; only credentials mode 'include' explains the browser's refusal.",
    });
  }
  if (announcedOnly && unsafeRequestHeaders(exchange.request.headers).length > 0) {
    notes.push({
      kind: 'preflight-reason',
      text: 'The request itself was never sent: the browser stopped after the preflight. Header values are not known, only their names.',
    });
  }
  return notes;
}
