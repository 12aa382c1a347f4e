import { crx } from '@crxjs/vite-plugin';
import { defineConfig } from 'vite';
import { PANEL_PAGE } from './extension/paths.ts';
import manifest from './manifest.json' with { type: 'json' };

// The built extension lands in dist/ (load it unpacked). The panel page is opened by devtools.panels.create and
// by the toolbar button, not referenced from the manifest, so it is listed as an input (CRXJS requirement).
export default defineConfig({
  plugins: [crx({ manifest: manifest as Parameters<typeof crx>[0]['manifest'] })],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'chrome120',
    rollupOptions: { input: { panel: PANEL_PAGE } },
  },
  server: { port: 5173, strictPort: true },
});
