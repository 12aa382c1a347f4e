/**
 * Adapter from chrome.webRequest to the core's plain request events. Only what a diagnosis needs is copied out of
 * each event, already redacted (src/redact.ts): header values from the allowlist, names only for the rest, URLs
 * without secrets. So the worker never holds a secret past the listener, and what it holds per request is bounded
 * whatever a server sends. Filters keep navigations (never CORS) from being dispatched to the worker at all. There is
 * no onCompleted listener: a record is only made when the verdict is certain, and the tracker's tables expire.
 */
import type { ErrorEvent, Header, HeaderList, RequestEvent, RequestEventBase } from '../../src/index.ts';
import { keptUrl, redactHeaders, redactRequestHeaders } from '../../src/index.ts';
import type { WebRequest } from '../platform/index.ts';

/** Request types that can be CORS requests. main_frame and sub_frame are navigations; ping, csp_report, websocket never CORS. */
export const CORS_TYPES: WebRequest.ResourceType[] = ['xmlhttprequest', 'font', 'script', 'stylesheet', 'image', 'media', 'other'];

export const FILTER: WebRequest.RequestFilter = { urls: ['<all_urls>'], types: CORS_TYPES };

/** extraHeaders is required to see Origin, Cookie and CORS-blocked responses at all (docs/capture.md). */
export const SEND_OPTIONS = ['requestHeaders', 'extraHeaders'] as WebRequest.OnSendHeadersOptions[];
export const HEADERS_OPTIONS = ['responseHeaders', 'extraHeaders'] as WebRequest.OnHeadersReceivedOptions[];

interface Details {
  requestId: string;
  url: string;
  method: string;
  type: string;
  tabId: number;
  frameId: number;
  documentId?: string;
  initiator?: string;
  timeStamp: number;
}

function base(d: Details): RequestEventBase {
  return {
    requestId: d.requestId,
    url: keptUrl(d.url),
    method: d.method,
    type: d.type,
    tabId: d.tabId,
    frameId: d.frameId,
    documentId: d.documentId ?? null,
    initiator: d.initiator ?? null,
    timeStamp: d.timeStamp,
  };
}

const UTF8 = new TextDecoder('utf-8');

/**
 * Header values arrive as text, or as bytes when they are not valid UTF-8. Those are decoded as UTF-8 with
 * replacement characters, as Chromium reports them over CDP, and so that a URL in such a value is invalid for the
 * engine as it is for Chromium's URL parser (recorded: an Access-Control-Allow-Origin with the byte 0xE9 is
 * InvalidAllowOriginValue, e2e/reliability.spec.ts).
 */
function decoded(list: WebRequest.HttpHeaders | undefined): HeaderList {
  if (!list) return [];
  return list.map(
    (h): Header => ({
      name: h.name,
      value: h.value ?? (h.binaryValue ? UTF8.decode(Uint8Array.from(h.binaryValue)) : ''),
    }),
  );
}

export function sendEvent(d: WebRequest.OnSendHeadersDetailsType): RequestEvent {
  return { ...base(d as Details), kind: 'send', requestHeaders: redactRequestHeaders(decoded(d.requestHeaders)) };
}

export function headersEvent(d: WebRequest.OnHeadersReceivedDetailsType): RequestEvent {
  return {
    ...base(d as Details),
    kind: 'headers',
    statusCode: d.statusCode,
    responseHeaders: redactHeaders(decoded(d.responseHeaders), 'response'),
  };
}

export function errorEvent(d: WebRequest.OnErrorOccurredDetailsType): ErrorEvent {
  return { ...base(d as Details), kind: 'error', error: d.error };
}
