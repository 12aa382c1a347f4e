import { chmodSync } from 'node:fs';
import path from 'node:path';
import { defineConfig } from 'vite';

// The command-line tool: cli/bin.ts and the core it uses bundled into one ES module that plain node (20+) runs,
// build/cors-lens.js (package.json "bin"). Outside dist/, which is the unpacked extension and emptied by its build.
// CORS_LENS_CLI_OUT builds it elsewhere (the test that runs the built file builds its own copy).
const outDir = process.env.CORS_LENS_CLI_OUT ?? 'build';

export default defineConfig({
  publicDir: false,
  build: {
    ssr: 'cli/bin.ts',
    outDir,
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    rollupOptions: { output: { entryFileNames: 'cors-lens.js', banner: '#!/usr/bin/env node' } },
  },
  // Bundle everything: the built file needs nothing from node_modules.
  ssr: { noExternal: true },
  plugins: [
    {
      name: 'executable',
      closeBundle() {
        chmodSync(path.resolve(outDir, 'cors-lens.js'), 0o755);
      },
    },
  ],
});
