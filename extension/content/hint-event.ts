/**
 * The DOM event the MAIN-world page hook fires on `document` for the ISOLATED-world relay. Kept apart from the
 * protocol module so the page hook bundles nothing else (the page world has no extension APIs).
 */
export const HINT_EVENT = 'cors-lens:hint';

/** Most hints a frame may relay per second; a page firing more is flooding (forged or runaway), not fetching. */
export const HINTS_PER_SECOND = 200;
