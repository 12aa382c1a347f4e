/** Panel entry: the same UI inside DevTools (inspected tab) and as a page (`?tabId=`). */
import { render } from 'preact';
import { inspectedTabId } from '../platform/index.ts';
import { App } from './App.tsx';

const root = document.getElementById('app');
if (root) render(<App tabId={inspectedTabId(location.search)} />, root);
