/** Panel entry: the same UI inside DevTools (inspected tab) and as a page (`?tabId=`, `&group=0` for one row per request). */
import { render } from 'preact';
import { inspectedTabId, watchDevtoolsTheme } from '../platform/index.ts';
import { App } from './App.tsx';

// DevTools' theme inside DevTools; as a page, the system's preference. panel.css reads data-theme only.
const setTheme = (dark: boolean) => {
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
};
if (!watchDevtoolsTheme(setTheme)) {
  const system = matchMedia('(prefers-color-scheme: dark)');
  setTheme(system.matches);
  system.addEventListener('change', (e) => setTheme(e.matches));
}
const group = new URLSearchParams(location.search).get('group');
const root = document.getElementById('app');
if (root) render(<App tabId={inspectedTabId(location.search)} groupParam={group === null ? null : group !== '0'} />, root);
