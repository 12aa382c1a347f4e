import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { hasHidden, hiddenName, visibleParts, visibleText } from './visible-text.ts';

const BIDI = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u200e', '\u200f', '\u061c'];

describe('visible text', () => {
  test('a right-to-left override becomes a visible marker, and the text around it stays in order', () => {
    expect(visibleText('http://a.example\u202Egro.live')).toBe('http://a.example\\u202Egro.live');
    expect(visibleParts('a\u202Eb')).toEqual([{ text: 'a' }, { marker: '\\u202E', name: 'U+202E RIGHT-TO-LEFT OVERRIDE' }, { text: 'b' }]);
  });
  test('controls, zero-width and separators are made visible; ordinary text is one part', () => {
    expect(visibleText('x\u0000y\tz\u200b\u2028\u00ad')).toBe('x\\u0000y\\u0009z\\u200B\\u2028\\u00AD');
    expect(visibleParts('plain café ✓')).toEqual([{ text: 'plain café ✓' }]);
    expect(hiddenName('\u0009')).toBe('U+0009 CHARACTER TABULATION');
    expect(hiddenName('\u0085')).toBe('U+0085');
  });
  test('no bidi control survives, whatever the input', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.constantFrom(...BIDI), fc.string({ unit: 'grapheme' }))), (chunks) => {
        const text = chunks.join('');
        const out = visibleText(text);
        for (const ch of BIDI) expect(out.includes(ch)).toBe(false);
        expect(hasHidden(out)).toBe(false);
        // The parts say the same thing as the joined form.
        expect(
          visibleParts(text)
            .map((p) => ('text' in p ? p.text : p.marker))
            .join(''),
        ).toBe(out);
      }),
    );
  });
});
