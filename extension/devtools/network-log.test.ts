import { expect, test } from 'vitest';
import { networkText } from './network-log.ts';

test.each([
  ['plain ASCII', 'http://a.example', 'http://a.example'],
  ['UTF-8 of é, as DevTools shows it', 'http://cafÃ©.example', 'http://café.example'],
  ['UTF-8 of U+202E, as DevTools shows it (windows-1252)', 'http://a.exampleâ€®live.evil', 'http://a.example\u202Elive.evil'],
  ['a lone byte 0xE9: invalid UTF-8, a replacement character as Chromium sees it', 'http://caf\u00e9.example', 'http://caf\uFFFD.example'],
  ['not one byte per character: left alone', 'http://\u4e2d.example', 'http://\u4e2d.example'],
])('%s', (_, shown, network) => {
  expect(networkText(shown)).toBe(network);
});
