/** chrome.storage.session as the tab log's key-value store. */
import type { KeyValueStore } from '../../src/capture/tab-log.ts';
import { browser } from '../platform/index.ts';

export const sessionStore: KeyValueStore = {
  get: (keys) => browser.storage.session.get(keys) as Promise<Record<string, unknown>>,
  set: (items) => browser.storage.session.set(items),
  remove: (keys) => browser.storage.session.remove(keys),
};
