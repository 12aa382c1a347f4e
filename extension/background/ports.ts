/**
 * What the worker's logic needs of the browser's messaging objects, so that it can be tested with fakes: a message
 * sender as the browser describes it, and a long-lived port.
 */

/** The sender of a message or port, as the browser reports it (never as the sender says). */
export interface SenderLike {
  /** The extension the sender belongs to. */
  readonly id?: string;
  /** The sender's document URL: an extension page's own URL, or the web page a content script runs in. */
  readonly url?: string;
  /** The sender's origin (Chromium); chrome-extension://<id> for the extension's own pages. */
  readonly origin?: string;
  readonly tab?: { readonly id?: number };
  readonly frameId?: number;
  readonly documentId?: string;
}

export interface PortLike {
  readonly name: string;
  readonly sender?: SenderLike;
  postMessage(message: unknown): void;
  disconnect(): void;
  readonly onMessage: { addListener(listener: (message: unknown) => void): void };
  readonly onDisconnect: { addListener(listener: () => void): void };
}

/**
 * Whether a sender is one of the extension's own pages (the panel, in DevTools or as a page; the devtools page).
 * Content scripts share the extension's id but run in web pages: their URL and origin are the page's, which a page
 * cannot make an extension URL.
 */
export function isExtensionPage(sender: SenderLike | undefined, extensionOrigin: string): boolean {
  if (!sender?.url?.startsWith(`${extensionOrigin}/`)) return false;
  return sender.origin === undefined || sender.origin === extensionOrigin;
}
