/**
 * Page hook (MAIN world, document_start, every frame). Tells the relay how the page asked for each cross-origin call
 * that failed, which the network layer cannot always show: the credentials mode (fetch `credentials`, XHR and
 * EventSource `withCredentials`), the request mode and which API made it; and which event streams the page closed
 * itself (they end on the network like a failure).
 *
 * It behaves the same whether or not anyone is looking, and the page cannot tell it is there by ordinary means:
 * - reports travel on a private element handed to the relay before any page script ran (channel.ts), never as events
 *   the page could hear or forge;
 * - the wrapped functions are Proxies of the originals (same name, length, prototype, own properties), and
 *   Function.prototype.toString answers for them as for the originals;
 * - everything it calls is taken from the page's globals before the page runs, so a page that later replaces
 *   Promise.prototype.then or WeakMap.prototype.get neither breaks it nor sees it;
 * - it only observes: every wrapper calls the original with the original arguments; any failure of its own is
 *   swallowed; nothing is sent for calls that succeed.
 * Bundled alone (IIFE, no imports at run time): the page world has no extension APIs.
 */
import { HANDSHAKE, REPORT } from './channel.ts';

type Api = 'fetch' | 'xhr' | 'eventsource';
type Fn = (...args: never[]) => unknown;

// The page's built-ins, taken before any page script can replace them.
const { apply, construct } = Reflect;
const { toString: nativeToString } = Function.prototype;
const { get: weakGet, set: weakSet } = WeakMap.prototype;
const { then } = Promise.prototype;
const { dispatchEvent, addEventListener } = EventTarget.prototype;
const { stringify } = JSON;
const NativeURL = URL;
const NativeCustomEvent = CustomEvent;
const NativeTypeError = TypeError;
const NativeRequest = Request;
const { toUpperCase } = String.prototype;
const now = Date.now;
const { origin: pageOrigin } = location;
const baseUri = () => document.baseURI;

const channel = document.createElement('span');
apply(dispatchEvent, document, [new MouseEvent(HANDSHAKE, { relatedTarget: channel })]);

/** Proxies made here, to the functions they stand for: Function.prototype.toString answers for the originals. */
const disguised = new WeakMap<object, Fn>();
const disguise = <T extends object>(proxy: T, original: Fn): T => {
  apply(weakSet, disguised, [proxy, original]);
  return proxy;
};
const toStringProxy = disguise(
  new Proxy(nativeToString, {
    apply(target, thisArg: unknown, args: []) {
      const original =
        typeof thisArg === 'function' || (typeof thisArg === 'object' && thisArg !== null)
          ? apply(weakGet, disguised, [thisArg])
          : undefined;
      return apply(target, original ?? thisArg, args);
    },
  }),
  nativeToString as Fn,
);
Function.prototype.toString = toStringProxy;

/** fetch and XHR upper-case only these methods (Fetch "normalize a method"). */
const NORMALIZED: Record<string, true> = { DELETE: true, GET: true, HEAD: true, OPTIONS: true, POST: true, PUT: true };
const normalizeMethod = (m: string) => {
  const upper = apply(toUpperCase, m, []) as string;
  return Object.hasOwn(NORMALIZED, upper) ? upper : m;
};

/** The absolute URL of a cross-origin http(s) call, without its fragment; null for anything else. */
function crossOrigin(input: string): string | null {
  try {
    const url = new NativeURL(input, baseUri());
    if (url.origin === pageOrigin || (url.protocol !== 'http:' && url.protocol !== 'https:')) return null;
    url.hash = '';
    return url.href;
  } catch {
    return null;
  }
}

interface Call {
  readonly api: Api;
  readonly url: string;
  readonly method: string;
  readonly credentials: string;
  readonly mode: string;
  readonly startedAt: number;
}

function report(call: Call, outcome: 'failed' | 'closed'): void {
  try {
    const detail = stringify({ ...call, method: normalizeMethod(call.method), outcome });
    apply(dispatchEvent, channel, [new NativeCustomEvent(REPORT, { detail })]);
  } catch {
    // Never let the hook break the page.
  }
}

const nativeFetch = window.fetch;
window.fetch = disguise(
  new Proxy(nativeFetch, {
    apply(target, thisArg, args: Parameters<typeof fetch>) {
      let call: Call | null = null;
      try {
        const [input, init] = args;
        const request = input instanceof NativeRequest ? input : null;
        const url = crossOrigin(request ? request.url : input instanceof NativeURL ? input.href : String(input));
        if (url)
          call = {
            api: 'fetch',
            url,
            method: String(init?.method ?? request?.method ?? 'GET'),
            credentials: String(init?.credentials ?? request?.credentials ?? 'same-origin'),
            mode: String(init?.mode ?? request?.mode ?? 'cors'),
            startedAt: now(),
          };
      } catch {
        // ignore
      }
      const result = apply(target, thisArg, args) as Promise<Response>;
      if (!call) return result;
      const seen = call;
      // A promise settling like the original, so the page's own unhandled rejections still show.
      return apply(then, result, [
        undefined,
        (error: unknown) => {
          if (error instanceof NativeTypeError) report(seen, 'failed');
          throw error;
        },
      ]) as Promise<Response>;
    },
  }),
  nativeFetch as Fn,
);

const opened = new WeakMap<XMLHttpRequest, { method: string; url: string }>();
const xhr = XMLHttpRequest.prototype;
const nativeOpen = xhr.open;
const nativeSend = xhr.send;
xhr.open = disguise(
  new Proxy(nativeOpen, {
    apply(target, thisArg: XMLHttpRequest, args: unknown[]) {
      const result = apply(target, thisArg, args);
      try {
        const url = crossOrigin(String(args[1]));
        if (url) apply(weakSet, opened, [thisArg, { method: String(args[0]), url }]);
      } catch {
        // ignore
      }
      return result;
    },
  }),
  nativeOpen as Fn,
);
xhr.send = disguise(
  new Proxy(nativeSend, {
    apply(target, thisArg: XMLHttpRequest, args: unknown[]) {
      try {
        const o = apply(weakGet, opened, [thisArg]) as { method: string; url: string } | undefined;
        if (o) {
          const call: Call = {
            api: 'xhr',
            url: o.url,
            method: o.method,
            credentials: thisArg.withCredentials ? 'include' : 'same-origin',
            mode: 'cors',
            startedAt: now(),
          };
          apply(addEventListener, thisArg, ['error', () => report(call, 'failed'), { once: true }]);
        }
      } catch {
        // ignore
      }
      return apply(target, thisArg, args);
    },
  }),
  nativeSend as Fn,
);

const NativeEventSource = window.EventSource;
const streams = new WeakMap<EventSource, Call>();
const wrappedEventSource = disguise(
  new Proxy(NativeEventSource, {
    construct(target, args: [string | URL, EventSourceInit?], newTarget) {
      const source = construct(target, args, newTarget) as EventSource;
      try {
        const [input, init] = args;
        const url = crossOrigin(input instanceof NativeURL ? input.href : String(input));
        if (url) {
          const call: Call = {
            api: 'eventsource',
            url,
            method: 'GET',
            credentials: init?.withCredentials ? 'include' : 'same-origin',
            mode: 'cors',
            startedAt: now(),
          };
          apply(weakSet, streams, [source, call]);
          // An event stream that could not connect closes for good; one that dropped later reconnects (not a failure).
          apply(addEventListener, source, [
            'error',
            () => {
              if (source.readyState === NativeEventSource.CLOSED) report(call, 'failed');
            },
          ]);
        }
      } catch {
        // ignore
      }
      return source;
    },
  }),
  NativeEventSource as unknown as Fn,
);
window.EventSource = wrappedEventSource;
// The prototype points back at the constructor the page sees, as it does natively.
NativeEventSource.prototype.constructor = wrappedEventSource;

const nativeClose = NativeEventSource.prototype.close;
NativeEventSource.prototype.close = disguise(
  new Proxy(nativeClose, {
    apply(target, thisArg: EventSource, args: []) {
      try {
        // A stream the page closes ends, on the network, like a failure; say it was the page.
        const call = apply(weakGet, streams, [thisArg]) as Call | undefined;
        if (call && thisArg.readyState !== NativeEventSource.CLOSED) report(call, 'closed');
      } catch {
        // ignore
      }
      return apply(target, thisArg, args);
    },
  }),
  nativeClose as Fn,
);
