/**
 * Firefox's webRequest listeners for its own capture (firefox-capture.ts), always on: Firefox hands request and
 * response headers (Origin, Cookie and CORS-blocked responses included) to a listener that asks for them, without
 * Chromium's costly extraHeaders, which Firefox rejects. Registered at the top level of the background script, so
 * that they wake a stopped one. There is no onCompleted listener: a CORS-blocked request ends with onCompleted like
 * any other in Firefox, so it tells nothing; requests are forgotten after a while instead.
 */
import { originOf, type RequestEvent } from '../../src/index.ts';
import { browser, type WebRequest } from '../platform/index.ts';
import { errorEvent, FILTER, headersEvent, sendEvent } from './web-request.ts';

/**
 * Firefox's details name the requesting document by URL (originUrl), not by origin (Chromium's initiator). Its
 * origin stands in for the request's Origin header where none was sent (a same-origin request before a redirect).
 */
function withInitiator(event: RequestEvent, details: { originUrl?: string }): RequestEvent {
  return event.initiator === null && details.originUrl ? { ...event, initiator: originOf(details.originUrl) } : event;
}

/** Registers the listeners; each adapted event goes to `observe`. */
export function listenFirefox(observe: (event: RequestEvent) => void): void {
  const requestHeaders = ['requestHeaders'] as WebRequest.OnSendHeadersOptions[];
  const responseHeaders = ['responseHeaders'] as WebRequest.OnHeadersReceivedOptions[];
  browser.webRequest.onSendHeaders.addListener((d) => observe(withInitiator(sendEvent(d), d)), FILTER, requestHeaders);
  browser.webRequest.onHeadersReceived.addListener(
    (d) => {
      observe(withInitiator(headersEvent(d), d));
    },
    FILTER,
    responseHeaders,
  );
  browser.webRequest.onErrorOccurred.addListener((d) => observe(withInitiator(errorEvent(d), d)), FILTER);
}
