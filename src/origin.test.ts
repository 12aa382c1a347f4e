/**
 * originOf and schemeOf take a shortcut for http(s) and ws(s) URLs (their scheme and authority alone are parsed); the
 * expectation is the URL parser's own answer on the whole URL, over URLs built to probe where an authority ends.
 */
import { describe, expect, it } from 'vitest';
import { originOf, schemeOf } from './origin.ts';

function parsed(url: string): { origin: string; scheme: string } {
  try {
    const u = new URL(url);
    return { origin: u.origin, scheme: u.protocol.slice(0, -1) };
  } catch {
    return { origin: 'null', scheme: '' };
  }
}

const SCHEMES = [
  'http://',
  'https://',
  'ws://',
  'wss://',
  'HTTP://',
  'http:',
  'http:/',
  'http:\\\\',
  'ftp://',
  'file://',
  'data:',
  'blob:http://',
];
const AUTHORITIES = [
  'api.example',
  'API.Example:8443',
  'api.example:80',
  'api.example:443',
  'api.example:0080',
  'user:pw@api.example',
  'user@api.example:1',
  '127.0.0.1:8802',
  '0x7f.1',
  '1.2.3',
  '[::1]:8802',
  '[::1',
  'xn--bcher-kva.example',
  'bücher.example',
  'exa mple.com',
  'ho%41st',
  'host:99999',
  'host:x',
  ':80',
  '',
  'example.com.',
  '\texample.com',
  'exa\tmple.com',
  'example.com\n',
  'localhost',
];
const RESTS = ['', '/', '/path?q=1#f', '\\\\path', '?q', '#f', '//x', '\t/x', '@evil.example/', ':81/'];

describe('originOf and schemeOf', () => {
  it('agree with the URL parser on the whole URL', () => {
    let checked = 0;
    for (const scheme of SCHEMES)
      for (const authority of AUTHORITIES)
        for (const rest of RESTS) {
          const url = `${scheme}${authority}${rest}`;
          // Twice: the second answer comes from the memory.
          for (let i = 0; i < 2; i++) expect({ origin: originOf(url), scheme: schemeOf(url) }, JSON.stringify(url)).toEqual(parsed(url));
          checked++;
        }
    expect(checked).toBe(SCHEMES.length * AUTHORITIES.length * RESTS.length);
  });
});
