/**
 * Page hook (MAIN world, document_start, every frame). Tells the relay how the page asked for each cross-origin
 * request, which the network layer cannot always show: the credentials mode (fetch `credentials`, XHR and
 * EventSource `withCredentials`), the request mode and which API made it. It only observes: every wrapper calls the
 * original with the original arguments, and any failure of its own is swallowed.
 * Bundled alone (IIFE, no imports at run time): the page world has no extension APIs.
 */
import { HINT_EVENT, MODE_EVENT } from './hint-event.ts';

type Api = 'fetch' | 'xhr' | 'eventsource';

/** Quiet while the tab has no detailed capture: calls are then only wrapped, not reported (see relay). */
let quiet = false;
document.addEventListener(MODE_EVENT, (event) => {
  quiet = (event as CustomEvent<unknown>).detail === 'quiet';
});

const NORMALIZED = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT'];
const normalizeMethod = (m: string) => (NORMALIZED.includes(m.toUpperCase()) ? m.toUpperCase() : m);

/** Reports a cross-origin call: when it starts, and again if it fails (all a page sees of a CORS failure). */
function report(api: Api, input: string, method: string, credentials: string, mode: string, outcome?: 'failed' | 'closed'): void {
  try {
    const url = new URL(input, document.baseURI);
    if (url.origin === location.origin || (url.protocol !== 'http:' && url.protocol !== 'https:')) return;
    url.hash = '';
    const detail = JSON.stringify({ api, url: url.href, method: normalizeMethod(method), credentials, mode, outcome });
    document.dispatchEvent(new CustomEvent(HINT_EVENT, { detail }));
  } catch {
    // Never let the hook break the page.
  }
}

const nativeFetch = window.fetch;
window.fetch = new Proxy(nativeFetch, {
  apply(target, thisArg, args: Parameters<typeof fetch>) {
    if (quiet) return Reflect.apply(target, thisArg, args);
    let call: [string, string, string, string] | null = null;
    try {
      const [input, init] = args;
      const request = input instanceof Request ? input : null;
      const url = request ? request.url : input instanceof URL ? input.href : String(input);
      call = [
        url,
        init?.method ?? request?.method ?? 'GET',
        init?.credentials ?? request?.credentials ?? 'same-origin',
        init?.mode ?? request?.mode ?? 'cors',
      ];
      report('fetch', ...call);
    } catch {
      // ignore
    }
    const result = Reflect.apply(target, thisArg, args) as Promise<Response>;
    if (!call) return result;
    const seen = call;
    // A new promise settling like the original, so the page's own unhandled rejections still show.
    return result.then(
      (response) => response,
      (error: unknown) => {
        if (error instanceof TypeError) report('fetch', ...seen, 'failed');
        throw error;
      },
    );
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
    const call = quiet ? undefined : opened.get(thisArg);
    if (call) {
      const credentials = thisArg.withCredentials ? 'include' : 'same-origin';
      report('xhr', call.url, call.method, credentials, 'cors');
      thisArg.addEventListener('error', () => report('xhr', call.url, call.method, credentials, 'cors', 'failed'), { once: true });
    }
    return Reflect.apply(target, thisArg, args);
  },
});

window.EventSource = new Proxy(window.EventSource, {
  construct(target, args: [string | URL, EventSourceInit?], newTarget) {
    let seen: [string, string] | null = null;
    try {
      const [url, init] = args;
      seen = [url instanceof URL ? url.href : String(url), init?.withCredentials ? 'include' : 'same-origin'];
      if (!quiet) report('eventsource', seen[0], 'GET', seen[1], 'cors');
    } catch {
      // ignore
    }
    const source = Reflect.construct(target, args, newTarget) as EventSource;
    const call = seen;
    if (call) {
      // A stream the page closes ends, on the network, like a failure; say it was the page.
      const close = source.close;
      source.close = function closeStream(this: EventSource) {
        if (this.readyState !== EventSource.CLOSED) report('eventsource', call[0], 'GET', call[1], 'cors', 'closed');
        return close.call(this);
      };
      // An event stream that could not connect closes for good; one that dropped later reconnects (not a failure).
      source.addEventListener('error', () => {
        if (!quiet && source.readyState === EventSource.CLOSED) report('eventsource', call[0], 'GET', call[1], 'cors', 'failed');
      });
    }
    return source;
  },
});
