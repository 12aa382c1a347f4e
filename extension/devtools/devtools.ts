/** DevTools page: creates the "CORS" panel, nothing else. */
import { browser } from '../platform/index.ts';

void browser.devtools.panels.create('CORS', '/icons/icon-32.png', '/extension/panel/panel.html');
