/** The panel page's path inside the extension: the build's input, the DevTools panel and the toolbar button open it. */
export const PANEL_PAGE = 'extension/panel/panel.html';
