/**
 * The capture corpus (capture-corpus.ts) with DevTools open on the tab: details from DevTools' own network log.
 */
import { corpus, scenarioCount } from './capture-corpus.ts';
import { test } from './fixtures.ts';

test(`capture corpus, details from DevTools: ${scenarioCount()} live scenarios, each row equal to Chromium's verdict`, async ({
  lens,
  servers,
}) => {
  test.setTimeout(180_000);
  await corpus(lens, servers, 'devtools');
});
