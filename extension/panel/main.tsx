/** Panel entry: the same UI inside DevTools (inspected tab) and as a page (`?tabId=`, `&group=0` for one row per request). */
import { render } from 'preact';
import { inspectedTabId, watchDevtoolsTheme } from '../platform/index.ts';
import { App } from './App.tsx';

// DevTools' theme wins inside DevTools; as a page, panel.css follows the system's preference.
watchDevtoolsTheme((dark) => {
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
});
const group = new URLSearchParams(location.search).get('group');
const root = document.getElementById('app');
if (root) render(<App tabId={inspectedTabId(location.search)} groupParam={group === null ? null : group !== '0'} />, root);
