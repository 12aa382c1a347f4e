/**
 * DevTools page: runs while DevTools is open on a tab, whether or not the CORS panel is shown. Creates the panel, and
 * in Chromium reads DevTools' network log for the details of the tab's failures while they are wanted (network-log.ts):
 * while the panel is shown, and for a while after a failure on the tab.
 */

import { PANEL_PAGE } from '../paths.ts';
import { browser, seesEveryDetail } from '../platform/index.ts';
import { watchNetworkLog } from './network-log.ts';

// Firefox's own capture sees every detail whether DevTools is open or not (docs/firefox-capture.md).
const networkLog = seesEveryDetail ? null : watchNetworkLog(browser.devtools.inspectedWindow.tabId);
void browser.devtools.panels
  .create('CORS', '/icons/icon-32.png', `/${PANEL_PAGE}`)
  .then((panel) => {
    panel.onShown.addListener(() => networkLog?.shown(true));
    panel.onHidden.addListener(() => networkLog?.shown(false));
  })
  .catch(() => undefined)
  // Only now is the worker told that this tab's details come from DevTools: once it is, a failure makes it ask for
  // them, and reading the log starts with the entries that ended since this page started.
  .then(() => networkLog?.start());
