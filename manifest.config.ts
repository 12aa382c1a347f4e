/**
 * The extension's manifest as typed data: CRXJS builds the Chromium extension from it (dist/), and firefoxManifest()
 * turns the built manifest into the Firefox one (dist-firefox/). One source for both browsers.
 */
import { defineManifest } from '@crxjs/vite-plugin';
import pkg from './package.json' with { type: 'json' };

/** A content script entry; CRXJS's type lacks match_origin_as_fallback (run in about:blank, blob: and data: frames). */
interface ContentScript {
  readonly matches: string[];
  readonly js: string[];
  readonly run_at: 'document_start';
  readonly all_frames: boolean;
  readonly match_origin_as_fallback: boolean;
  readonly world?: 'MAIN';
}

/**
 * The page relay, then the page hook (in the page's own world, to see fetch, XHR and EventSource calls). The order
 * matters: the browser runs document_start scripts in this order, before any script of the page, and the relay must
 * be listening when the hook hands over the private element its reports travel on (extension/content/channel.ts).
 */
const CONTENT_SCRIPTS: ContentScript[] = [
  {
    matches: ['<all_urls>'],
    js: ['extension/content/relay.iife.ts'],
    run_at: 'document_start',
    all_frames: true,
    match_origin_as_fallback: true,
  },
  {
    matches: ['<all_urls>'],
    js: ['extension/content/page-hook.iife.ts'],
    run_at: 'document_start',
    all_frames: true,
    match_origin_as_fallback: true,
    world: 'MAIN',
  },
];

export const manifest = defineManifest({
  manifest_version: 3,
  name: 'CORS Lens',
  version: pkg.version,
  description: "Explains CORS failures live, in a CORS panel inside DevTools: the browser's exact reason and the fix.",
  minimum_chrome_version: '120',
  permissions: ['webRequest', 'webNavigation', 'storage'],
  host_permissions: ['<all_urls>'],
  background: { service_worker: 'extension/background/index.ts', type: 'module' },
  devtools_page: 'extension/devtools/devtools.html',
  action: {
    default_title: 'CORS Lens: open the CORS failures of this tab',
    default_icon: { 16: 'icons/icon-16.png', 32: 'icons/icon-32.png' },
  },
  icons: { 16: 'icons/icon-16.png', 32: 'icons/icon-32.png', 48: 'icons/icon-48.png', 128: 'icons/icon-128.png' },
  content_scripts: CONTENT_SCRIPTS,
});

/** The add-on id Firefox knows the extension by (addons.mozilla.org keys updates and storage on it). */
export const GECKO_ID = 'cors-lens@cors-lens.dev';
/**
 * The oldest Firefox the build claims: 140 (an ESR) is the first that reads data_collection_permissions, which
 * addons.mozilla.org requires of new add-ons; MV3 content scripts in the page's own world (`world: 'MAIN'`, the page
 * hook) came in 128. Firefox for Android reads data_collection_permissions from 142.
 */
export const GECKO_MIN_VERSION = '140.0';
const GECKO_ANDROID_MIN_VERSION = '142.0';

type Json = Record<string, unknown>;

/**
 * The Firefox manifest from the built Chromium one (paths already rewritten by the build): Firefox runs MV3
 * backgrounds as event pages, so `background.scripts` comes beside `service_worker` (each browser reads its own key
 * and ignores the other), Firefox needs an add-on id, and it does not read Chromium's minimum version.
 */
export function firefoxManifest(built: Json): Json {
  const { minimum_chrome_version: _chromeOnly, background, ...rest } = built;
  const worker = (background as { service_worker: string }).service_worker;
  return {
    ...rest,
    background: { scripts: [worker], service_worker: worker, type: 'module' },
    browser_specific_settings: {
      gecko: {
        id: GECKO_ID,
        strict_min_version: GECKO_MIN_VERSION,
        // Nothing leaves the user's machine (README, "Privacy and permissions").
        data_collection_permissions: { required: ['none'] },
      },
      gecko_android: { strict_min_version: GECKO_ANDROID_MIN_VERSION },
    },
  };
}
