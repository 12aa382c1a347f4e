/** DevTools page: creates the "CORS" panel, nothing else. */
import { PANEL_PAGE } from '../panel/page.ts';
import { browser } from '../platform/index.ts';

void browser.devtools.panels.create('CORS', '/icons/icon-32.png', `/${PANEL_PAGE}`);
