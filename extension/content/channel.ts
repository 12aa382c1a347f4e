/**
 * The private channel between the MAIN-world page hook and the ISOLATED-world relay. Kept apart from the protocol
 * module so the page hook bundles nothing else (the page world has no extension APIs).
 *
 * How it stays private: the relay is listed before the hook in the manifest, and the browser runs both at
 * document_start, in manifest order, before any script of the page (checked in e2e/security.spec.ts). The relay
 * listens once for HANDSHAKE on `document`; the hook then dispatches it with an element of its own as the event's
 * `relatedTarget` (a DOM node is the one kind of object both worlds can hold). That element is never inserted in the
 * document: the page has no way to reach it, so it can neither hear the reports sent on it nor send any.
 */
export const HANDSHAKE = 'cors-lens:channel';

/** The event type of one report on the private element; its detail is the report as JSON. */
export const REPORT = 'report';

/**
 * Most reports a frame's relay forwards per second. A page failing more is flooding (runaway or hostile), and what it
 * loses is its own reports: the browser's own events still count every failure.
 */
export const REPORTS_PER_SECOND = 200;
