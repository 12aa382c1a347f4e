/** Where the built extension's pages are: written once, for the build, the worker, the devtools page and the tests. */
export const PANEL_PAGE = 'extension/panel/panel.html';
