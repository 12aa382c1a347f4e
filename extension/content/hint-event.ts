/**
 * The DOM event the MAIN-world page hook fires on `document` for the ISOLATED-world relay. Kept apart from the
 * protocol module so the page hook bundles nothing else (the page world has no extension APIs).
 */
export const HINT_EVENT = 'cors-lens:hint';

/**
 * Most messages a frame's relay reads per second, and most it forwards: call starts and failure reports have budgets
 * of their own, so that a page's failures never crowd out the starts. A page firing more is flooding (forged or
 * runaway), not fetching.
 */
export const EVENTS_PER_SECOND = 2000;
export const STARTS_PER_SECOND = 500;
export const FAILURES_PER_SECOND = 500;

/**
 * The DOM event the relay fires for the page hook: 'quiet' when the tab has no detailed capture (the hook then only
 * reports event streams the page closes), 'full' otherwise. A page that forges it only silences its own hints.
 */
export const MODE_EVENT = 'cors-lens:mode';
