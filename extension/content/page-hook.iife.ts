/**
 * Page hook (MAIN world, document_start, every frame). Tells the relay how the page asked for each cross-origin
 * request, which the network layer cannot always show: the credentials mode (fetch `credentials`, XHR and
 * EventSource `withCredentials`), the request mode and which API made it. It only observes: every wrapper calls the
 * original with the original arguments, and any failure of its own is swallowed.
 * Bundled alone (IIFE, no imports at run time): the page world has no extension APIs.
 */
import { HINT_EVENT } from './hint-event.ts';

type Api = 'fetch' | 'xhr' | 'eventsource';

const NORMALIZED = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT'];
const normalizeMethod = (m: string) => (NORMALIZED.includes(m.toUpperCase()) ? m.toUpperCase() : m);

function report(api: Api, input: string, method: string, credentials: string, mode: string): void {
  try {
    const url = new URL(input, document.baseURI);
    if (url.origin === location.origin || (url.protocol !== 'http:' && url.protocol !== 'https:')) return;
    url.hash = '';
    const detail = JSON.stringify({ api, url: url.href, method: normalizeMethod(method), credentials, mode });
    document.dispatchEvent(new CustomEvent(HINT_EVENT, { detail }));
  } catch {
    // Never let the hook break the page.
  }
}

const nativeFetch = window.fetch;
window.fetch = new Proxy(nativeFetch, {
  apply(target, thisArg, args: Parameters<typeof fetch>) {
    try {
      const [input, init] = args;
      const request = input instanceof Request ? input : null;
      const url = request ? request.url : input instanceof URL ? input.href : String(input);
      report(
        'fetch',
        url,
        init?.method ?? request?.method ?? 'GET',
        init?.credentials ?? request?.credentials ?? 'same-origin',
        init?.mode ?? request?.mode ?? 'cors',
      );
    } catch {
      // ignore
    }
    return Reflect.apply(target, thisArg, args);
  },
});

const opened = new WeakMap<XMLHttpRequest, { method: string; url: string }>();
const xhr = XMLHttpRequest.prototype;
const nativeOpen = xhr.open;
const nativeSend = xhr.send;
xhr.open = new Proxy(nativeOpen, {
  apply(target, thisArg: XMLHttpRequest, args: unknown[]) {
    try {
      opened.set(thisArg, { method: String(args[0]), url: String(args[1]) });
    } catch {
      // ignore
    }
    return Reflect.apply(target, thisArg, args);
  },
});
xhr.send = new Proxy(nativeSend, {
  apply(target, thisArg: XMLHttpRequest, args: unknown[]) {
    const call = opened.get(thisArg);
    if (call) report('xhr', call.url, call.method, thisArg.withCredentials ? 'include' : 'same-origin', 'cors');
    return Reflect.apply(target, thisArg, args);
  },
});

window.EventSource = new Proxy(window.EventSource, {
  construct(target, args: [string | URL, EventSourceInit?], newTarget) {
    try {
      const [url, init] = args;
      report('eventsource', url instanceof URL ? url.href : String(url), 'GET', init?.withCredentials ? 'include' : 'same-origin', 'cors');
    } catch {
      // ignore
    }
    return Reflect.construct(target, args, newTarget);
  },
});
