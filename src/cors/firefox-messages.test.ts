import { describe, expect, test } from 'vitest';
import { FIREFOX_REASONS, firefoxMdnUrl, firefoxMessage, namesParameter, parseFirefoxMessage } from './firefox-messages.ts';

const URL_ = 'http://127.0.0.1:8802/cors?id=x&h=%7B%7D';

describe("Firefox's console messages", () => {
  test.each(FIREFOX_REASONS.map((r) => [r]))('%s reads back into its reason, URL and value', (reason) => {
    const value = namesParameter(reason) ? 'x-a, $& %2' : '';
    const text = firefoxMessage(reason, URL_, value);
    expect(parseFirefoxMessage(text)).toEqual({ reason, url: URL_, parameter: value, text });
  });
  test('word for word, as Firefox 153 prints them', () => {
    expect(firefoxMessage('CORSMissingAllowOrigin', URL_, '200')).toBe(
      `Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ${URL_}. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 200.`,
    );
    expect(firefoxMessage('CORSNotSupportingCredentials', URL_)).toContain(`resource at ‘${URL_}’. (Reason: Credential is not supported`);
  });
  test('other console lines are not CORS messages', () => {
    expect(parseFirefoxMessage('Uncaught TypeError: x is undefined')).toBeNull();
    expect(parseFirefoxMessage(`${firefoxMessage('CORSDisabled', URL_)} and more`)).toBeNull();
  });
  test('MDN pages, with the one slug MDN misspells', () => {
    expect(firefoxMdnUrl('CORSMissingAllowCredentials')).toMatch(/\/CORSMIssingAllowCredentials$/);
    expect(firefoxMdnUrl('CORSMethodNotFound')).toMatch(/\/CORS\/Errors\/CORSMethodNotFound$/);
  });
});
