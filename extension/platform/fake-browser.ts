/**
 * Stand-in for webextension-polyfill in unit tests (aliased in vitest.config.ts): just enough of `browser` for the
 * modules under test to load. Tests that need behaviour install it on this object.
 */
const fake: Record<string, unknown> = {
  runtime: { id: 'test', getURL: (path: string) => `chrome-extension://test${path}`, onMessage: { addListener() {} } },
};
export default fake;
