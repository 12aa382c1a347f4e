import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'extension/**/*.test.ts', 'scripts/**/*.test.ts', 'test-support/**/*.test.ts', 'cli/**/*.test.ts'],
    environment: 'node',
  },
  resolve: {
    // webextension-polyfill throws outside an extension: unit tests get a fake (extension code only).
    alias: { 'webextension-polyfill': new URL('./extension/platform/fake-browser.ts', import.meta.url).pathname },
  },
});
