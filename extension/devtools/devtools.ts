/**
 * DevTools page: runs while DevTools is open on a tab, whether or not the CORS panel is shown. Creates the panel, and
 * reads DevTools' network log for the details of the tab's failures (network-log.ts).
 */

import { PANEL_PAGE } from '../paths.ts';
import { browser } from '../platform/index.ts';
import { watchNetworkLog } from './network-log.ts';

void browser.devtools.panels.create('CORS', '/icons/icon-32.png', `/${PANEL_PAGE}`);
watchNetworkLog(browser.devtools.inspectedWindow.tabId);
