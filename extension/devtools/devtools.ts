/**
 * DevTools page: runs while DevTools is open on a tab, whether or not the CORS panel is shown. Creates the panel, and
 * in Chromium reads DevTools' network log for the details of the tab's failures (network-log.ts).
 */

import { PANEL_PAGE } from '../paths.ts';
import { browser, seesEveryDetail } from '../platform/index.ts';
import { watchNetworkLog } from './network-log.ts';

void browser.devtools.panels.create('CORS', '/icons/icon-32.png', `/${PANEL_PAGE}`);
// Firefox's own capture sees every detail whether DevTools is open or not (docs/firefox-capture.md).
if (!seesEveryDetail) watchNetworkLog(browser.devtools.inspectedWindow.tabId);
