/**
 * The capture corpus (capture-corpus.ts) with DevTools closed and detailed capture turned on for the page's site:
 * details from the extension's own webRequest listeners.
 */
import { corpus, scenarioCount } from './capture-corpus.ts';
import { test } from './fixtures.ts';

test.use({ lensDevtools: false });

test(`capture corpus, detailed capture on for the site: ${scenarioCount()} live scenarios, each row equal to Chromium's verdict`, async ({
  lens,
  servers,
}) => {
  test.setTimeout(180_000);
  await corpus(lens, servers, 'detailed');
});
