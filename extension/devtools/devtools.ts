/**
 * DevTools page: runs while DevTools is open on a tab, whether or not the CORS panel is shown. Creates the panel, and
 * in Chromium reads DevTools' network log for the details of the tab's failures (network-log.ts).
 */

import { PANEL_PAGE } from '../paths.ts';
import { browser, seesEveryDetail } from '../platform/index.ts';
import { watchNetworkLog } from './network-log.ts';

// Firefox's own capture sees every detail whether DevTools is open or not (docs/firefox-capture.md).
const networkLog = seesEveryDetail ? null : watchNetworkLog(browser.devtools.inspectedWindow.tabId);
// The listener is added first, then the panel created: DevTools handles this page's calls in order, one message
// port, so when it answers the creation it has taken the log's subscription too. Only then is the worker told that
// this tab's details come from DevTools. Announced earlier (measured: 1 test in 14 here), a request made at once
// finished before the subscription, and its row waited for details that never came.
void browser.devtools.panels
  .create('CORS', '/icons/icon-32.png', `/${PANEL_PAGE}`)
  .catch(() => undefined)
  .then(() => networkLog?.start());
