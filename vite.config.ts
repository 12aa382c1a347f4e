import fs from 'node:fs';
import path from 'node:path';
import { crx } from '@crxjs/vite-plugin';
import { defineConfig, type Plugin } from 'vite';
import { PANEL_PAGE } from './extension/paths.ts';
import { firefoxManifest, manifest } from './manifest.config.ts';

const OUT = 'dist';
const FIREFOX_OUT = 'dist-firefox';

/** Once the Chromium build is written, the same files with the Firefox manifest go to dist-firefox/. */
function firefoxBuild(): Plugin {
  return {
    name: 'cors-lens-firefox-build',
    apply: 'build',
    closeBundle() {
      fs.rmSync(FIREFOX_OUT, { recursive: true, force: true });
      fs.cpSync(OUT, FIREFOX_OUT, { recursive: true });
      const file = path.join(FIREFOX_OUT, 'manifest.json');
      const built = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
      fs.writeFileSync(file, `${JSON.stringify(firefoxManifest(built), null, 2)}\n`);
    },
  };
}

// The built extension lands in dist/ (Chromium: load it unpacked) and dist-firefox/ (Firefox). The panel page is
// opened by devtools.panels.create and by the toolbar button, not referenced from the manifest, so it is listed as
// an input (CRXJS requirement).
export default defineConfig({
  plugins: [crx({ manifest }), firefoxBuild()],
  build: {
    outDir: OUT,
    emptyOutDir: true,
    target: 'chrome120',
    rollupOptions: { input: { panel: PANEL_PAGE } },
  },
  server: { port: 5173, strictPort: true },
});
